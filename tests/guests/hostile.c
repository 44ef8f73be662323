/*
 * hostile: a VM feeding malformed virtqueues to its own VirtIO devices,
 * run by tests/vms and tests/linux beside VMs that must keep working.
 * Its devices ("hostile,hvc,disk=...,net=h,net=h"): a virtio-console in
 * slot 0, a disk in slot 1, two network devices on one network in slots 2
 * and 3.
 *
 * Each case sets a device up properly, then breaks one rule of VIRTIO 1.2
 * (2.7) and notifies: a head or next index outside the queue, a chain that
 * loops, buffers outside RAM or straddling its end, an address whose end
 * passes 2^64, more than 4 GiB - 1 bytes in a chain, an available index
 * that jumps, a block request without its header, a ring outside RAM, an
 * indirect descriptor, a receive ring that loops met by a frame from the
 * VM's other network device, DRIVER_OK without FEATURES_OK. Each time the
 * device must answer with DEVICE_NEEDS_RESET and the configuration change
 * interrupt (taken through the GIC), complete nothing, write nothing, and
 * serve again once reset. The hypervisor logs one line a case; a wait of
 * 250 ms of virtual time before each keeps them inside its rate limit (5
 * lines a second after a burst of 10), so the transcript is the same on
 * every machine.
 */
#include "gic.h"
#include "guest.h"
#include "lib/string.h"
#include "vio.h"

#define CON	   0u
#define BLK	   1u
#define NET	   2u
#define NET2	   3u
#define RAM_END	   (GUEST_RAM_BASE + GUEST_RAM_SIZE)
#define NUM	   8u
#define NUM_LONG   128u
#define ALL_OK	   (VIO_S_ACK | VIO_S_DRIVER | VIO_S_FEATURES_OK | VIO_S_DRIVER_OK)
#define F_INDIRECT 4u
#define NET_HDR	   12u

#define CTL_ENABLE 1ul

/* Each queue's rings, 8 KiB apart: 4 KiB aligned (vio_queue_setup_at). */
#define AREA_BYTES 0x2000u
_Static_assert(VIO_AREA_SIZE(NUM_LONG) <= AREA_BYTES, "rings fit their area");
static _Alignas(4096) uint8_t areas[VIO_SLOTS][VIO_QUEUES][AREA_BYTES];
static _Alignas(16) uint8_t header[16];
static _Alignas(512) uint8_t data[512];
static uint8_t status;
static _Alignas(64) uint8_t frame[NET_HDR + 64];
static struct vio_dev dev[VIO_SLOTS];

/* Sleeps ms of virtual time in WFI, the virtual timer armed. */
static void sleep_ms(unsigned ms)
{
	uint64_t deadline = read_cntvct() + read_cntfrq() / 1000 * ms;

	gic_enable(GIC_VTIMER, true);
	__asm__ __volatile__("msr cntv_cval_el0, %0\n\t"
			     "msr cntv_ctl_el0, %1\n\t"
			     "isb" ::"r"(deadline),
			     "r"(CTL_ENABLE));
	while (read_cntvct() < deadline)
		__asm__ __volatile__("wfi" ::: "memory");
	__asm__ __volatile__("msr cntv_ctl_el0, xzr\n\tisb" ::: "memory");
	/* The level fell with ENABLE: nothing left to acknowledge. */
	gic_enable(GIC_VTIMER, false);
}

/* Device n reset, VERSION_1 negotiated, queue q of num entries ready (num
 * 0: no queue), DRIVER_OK. */
static void start(unsigned n, unsigned q, uint16_t num)
{
	struct vio_dev *d = &dev[n];

	d->base = VIO_BASE(n);
	d->slot = n;
	vio_negotiate(d, VIO_F_VERSION_1);
	if (num != 0)
		vio_queue_setup_at(d, q, num, areas[n][q]);
	vio_driver_ok(d);
}

static void desc(unsigned n, unsigned q, unsigned i, uint64_t addr,
		 uint32_t len, uint16_t flags, uint16_t next)
{
	volatile struct vio_desc *e = &dev[n].q[q].desc[i];

	e->addr = addr;
	e->len = len;
	e->flags = flags;
	e->next = next;
}

/*
 * What every case must end with: DEVICE_NEEDS_RESET, the configuration
 * change interrupt taken at the GIC, no buffer used; then a reset.
 */
static void expect_needs_reset(unsigned n, unsigned q, const char *what)
{
	struct vio_dev *d = &dev[n];
	uint32_t intid, st;

	gprintf("%s\n", what);
	check_eq("  status", vio_read(d, VIO_STATUS),
		 ALL_OK | VIO_S_NEEDS_RESET);
	check_eq("  used index", vio_used_idx(d, q), 0);
	gic_enable(VIO_INTID(n), true);
	intid = gic_ack();
	check_eq("  interrupt", intid, VIO_INTID(n));
	st = vio_read(d, VIO_INT_STATUS);
	check_eq("  InterruptStatus", st, VIO_INT_CONFIG);
	vio_write(d, VIO_INT_ACK, st);
	if (intid < GIC_SPURIOUS)
		gic_eoi(intid);
	gic_enable(VIO_INTID(n), false);
	vio_write(d, VIO_STATUS, 0);
	check_eq("  status after the reset", vio_read(d, VIO_STATUS), 0);
}

/* A block request on queue 0 of the disk, starting at head: header (IN,
 * sector 0), data and status on descriptors head .. head + 2. */
static void request(unsigned head, uint64_t data_addr, uint32_t len)
{
	memset(header, 0, sizeof(header));
	desc(BLK, 0, head, (uintptr_t)header, 16, VIO_DESC_F_NEXT,
	     (uint16_t)(head + 1));
	desc(BLK, 0, head + 1, data_addr, len,
	     VIO_DESC_F_WRITE | VIO_DESC_F_NEXT, (uint16_t)(head + 2));
	desc(BLK, 0, head + 2, (uintptr_t)&status, 1, VIO_DESC_F_WRITE, 0);
}

/* The disk still serves a proper read of sector 0 once reset. */
static void disk_serves(const char *what)
{
	uint32_t id, len;

	start(BLK, 0, NUM);
	memset(data, 0, sizeof(data));
	status = 0xff;
	request(0, (uintptr_t)data, 512);
	vio_publish(&dev[BLK], 0, 0);
	vio_kick(&dev[BLK], 0);
	check_true(what, vio_take_used(&dev[BLK], 0, &id, &len) &&
			     status == 0 &&
			     memcmp(data, "The disk of the virtio", 22) == 0);
	vio_write(&dev[BLK], VIO_STATUS, 0);
}

static void blk_cases(void)
{
	volatile uint8_t *edge = (volatile uint8_t *)(RAM_END - 0x200);
	unsigned intact = 0;

	sleep_ms(250);
	start(BLK, 0, NUM);
	vio_publish(&dev[BLK], 0, 200);
	vio_kick(&dev[BLK], 0);
	expect_needs_reset(BLK, 0, "hostile: a head index outside the queue");

	sleep_ms(250);
	start(BLK, 0, NUM);
	desc(BLK, 0, 0, (uintptr_t)header, 16, VIO_DESC_F_NEXT, NUM);
	vio_publish(&dev[BLK], 0, 0);
	vio_kick(&dev[BLK], 0);
	expect_needs_reset(BLK, 0, "hostile: a next index outside the queue");

	sleep_ms(250);
	start(BLK, 0, NUM);
	desc(BLK, 0, 0, (uintptr_t)header, 16, VIO_DESC_F_NEXT, 1);
	desc(BLK, 0, 1, (uintptr_t)data, 512, VIO_DESC_F_NEXT, 0);
	vio_publish(&dev[BLK], 0, 0);
	vio_kick(&dev[BLK], 0);
	expect_needs_reset(BLK, 0, "hostile: a chain that loops");

	sleep_ms(250);
	start(BLK, 0, NUM);
	request(0, 0x20000000, 512);
	vio_publish(&dev[BLK], 0, 0);
	vio_kick(&dev[BLK], 0);
	expect_needs_reset(BLK, 0, "hostile: a buffer outside RAM");

	/* The part inside RAM is the guest's last 512 bytes: a read into it
	 * must not happen at all, not even in part. */
	sleep_ms(250);
	start(BLK, 0, NUM);
	for (unsigned i = 0; i < 0x200; i++)
		edge[i] = 0x5a;
	request(0, RAM_END - 0x200, 0x400);
	vio_publish(&dev[BLK], 0, 0);
	vio_kick(&dev[BLK], 0);
	expect_needs_reset(BLK, 0,
			   "hostile: a buffer straddling the end of RAM");
	for (unsigned i = 0; i < 0x200; i++)
		intact += edge[i] == 0x5a;
	check_eq("  bytes of RAM below the end left as they were", intact,
		 0x200);

	sleep_ms(250);
	start(BLK, 0, NUM);
	request(0, 0xfffffffffffff000ull, 0x2000);
	vio_publish(&dev[BLK], 0, 0);
	vio_kick(&dev[BLK], 0);
	expect_needs_reset(BLK, 0, "hostile: a buffer whose end passes 2^64");

	/* 65 buffers of all 64 MiB of RAM: each inside it, together more
	 * than 4 GiB - 1 bytes. */
	sleep_ms(250);
	start(BLK, 0, NUM_LONG);
	for (unsigned i = 0; i < 66; i++)
		desc(BLK, 0, i, GUEST_RAM_BASE, GUEST_RAM_SIZE, VIO_DESC_F_NEXT,
		     (uint16_t)(i + 1));
	desc(BLK, 0, 66, (uintptr_t)&status, 1, VIO_DESC_F_WRITE, 0);
	vio_publish(&dev[BLK], 0, 0);
	vio_kick(&dev[BLK], 0);
	expect_needs_reset(BLK, 0,
			   "hostile: more than 4 GiB - 1 bytes in a chain");

	sleep_ms(250);
	start(BLK, 0, NUM);
	request(0, (uintptr_t)data, 512);
	dev[BLK].q[0].avail[1] = NUM + 1;
	vio_kick(&dev[BLK], 0);
	expect_needs_reset(BLK, 0, "hostile: an available index that jumps");

	sleep_ms(250);
	start(BLK, 0, NUM);
	desc(BLK, 0, 0, (uintptr_t)header, 8, VIO_DESC_F_NEXT, 1);
	desc(BLK, 0, 1, (uintptr_t)&status, 1, VIO_DESC_F_WRITE, 0);
	vio_publish(&dev[BLK], 0, 0);
	vio_kick(&dev[BLK], 0);
	expect_needs_reset(BLK, 0,
			   "hostile: a block request without its header");

	disk_serves("hostile: the disk serves a read once reset");
}

static void console_cases(void)
{
	static const char line[] = "hostile: still heard once reset\n";
	struct vio_dev *d = &dev[CON];
	struct vio_seg s = {line, sizeof(line) - 1, false};
	uint32_t id, len;

	/* The descriptor table is not in RAM: refused at QueueReady. */
	sleep_ms(250);
	start(CON, 0, 0);
	vio_write(d, VIO_QUEUE_SEL, 1);
	vio_write(d, VIO_QUEUE_NUM, NUM);
	vio_write(d, VIO_QUEUE_DESC, 0x30000000);
	vio_write(d, VIO_QUEUE_DESC + 4, 0);
	vio_write(d, VIO_QUEUE_DRIVER, (uint32_t)(uintptr_t)areas[CON][1]);
	vio_write(d, VIO_QUEUE_DEVICE,
		  (uint32_t)(uintptr_t)areas[CON][1] + 0x1000);
	vio_write(d, VIO_QUEUE_READY, 1);
	check_eq("  QueueReady", vio_read(d, VIO_QUEUE_READY), 0);
	d->q[1].used = areas[CON][1] + 0x1000;
	expect_needs_reset(CON, 1, "hostile: a ring outside RAM");

	sleep_ms(250);
	start(CON, 1, NUM);
	desc(CON, 1, 0, (uintptr_t)data, 64, F_INDIRECT, 0);
	vio_publish(d, 1, 0);
	vio_kick(d, 1);
	expect_needs_reset(CON, 1, "hostile: an indirect descriptor");

	start(CON, 1, NUM);
	vio_offer(d, 1, &s, 1);
	vio_kick(d, 1);
	check_true("hostile: the console's line used",
		   vio_take_used(d, 1, &id, &len));
	vio_write(d, VIO_STATUS, 0);
}

static void net_cases(void)
{
	static const uint8_t bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	struct vio_seg s = {frame, sizeof(frame), false};
	uint32_t id, len;

	/* Device 2's receive ring loops; device 3's broadcast meets it. */
	sleep_ms(250);
	start(NET, 0, NUM);
	desc(NET, 0, 0, (uintptr_t)data, 256,
	     VIO_DESC_F_WRITE | VIO_DESC_F_NEXT, 1);
	desc(NET, 0, 1, (uintptr_t)data + 256, 256,
	     VIO_DESC_F_WRITE | VIO_DESC_F_NEXT, 0);
	vio_publish(&dev[NET], 0, 0);
	start(NET2, 1, NUM);
	memset(frame, 0, sizeof(frame));
	memcpy(frame + NET_HDR, bcast, 6);
	frame[NET_HDR + 6] = 0x52;
	frame[NET_HDR + 11] = 0x33;
	frame[NET_HDR + 12] = 0x88;
	frame[NET_HDR + 13] = 0xb5; /* local experimental EtherType */
	vio_offer(&dev[NET2], 1, &s, 1);
	vio_kick(&dev[NET2], 1);
	check_true("hostile: the other network device's frame sent",
		   vio_take_used(&dev[NET2], 1, &id, &len));
	check_eq("  its status", vio_read(&dev[NET2], VIO_STATUS), ALL_OK);
	expect_needs_reset(NET, 0,
			   "hostile: a receive ring that loops, a frame "
			   "arriving");
	vio_write(&dev[NET2], VIO_STATUS, 0);

	/* DRIVER_OK straight after DRIVER: features never accepted. */
	sleep_ms(250);
	vio_write(&dev[NET], VIO_STATUS, VIO_S_ACK | VIO_S_DRIVER);
	vio_write(&dev[NET], VIO_STATUS,
		  VIO_S_ACK | VIO_S_DRIVER | VIO_S_DRIVER_OK);
	gprintf("hostile: DRIVER_OK without FEATURES_OK\n");
	check_eq("  status", vio_read(&dev[NET], VIO_STATUS),
		 VIO_S_ACK | VIO_S_DRIVER | VIO_S_DRIVER_OK |
		     VIO_S_NEEDS_RESET);
	check_eq("  InterruptStatus", vio_read(&dev[NET], VIO_INT_STATUS),
		 VIO_INT_CONFIG);
	vio_write(&dev[NET], VIO_STATUS, 0);
}

int main(uint64_t dtb)
{
	(void)dtb;
	__asm__ __volatile__("msr daifset, #0xf" ::: "memory");
	gprintf("hostile: malformed virtqueues for my own devices\n");
	gic_init();
	blk_cases();
	console_cases();
	net_cases();
	return guest_done("hostile");
}
