/*
 * virtio: a minimal virtio driver (lib/vio.h) against the hypervisor's
 * devices, run by tests/vms with "virtio,hvc,disk=virtio-disk.txt,
 * disk=virtio-disk.txt:ro": a virtio-console in slot 0, a disk over a copy
 * of tests/vms/virtio-disk.txt (1024 bytes, two sectors) in slot 1, a
 * read-only disk over another copy in slot 2.
 *
 * First boot: each device probed (magic, version 2, device ID, vendor);
 * a driver without VIRTIO_F_VERSION_1 refused, then VERSION_1 negotiated;
 * a line written through virtio-console, its used buffer and its
 * interrupt (SPI 48, INTID 80) taken; an emergency write; the disk's
 * capacity, GET_ID, a read of sector 0 (its first line printed), a read
 * past the end (IOERR), a write of sector 1 read back, FLUSH, an unknown
 * request (UNSUPP); the read-only disk refusing a write and still holding
 * the committed sector 1. Then SYSTEM_RESET. Second boot: the devices are
 * reset, and sector 1 of the disk still holds what the first boot wrote:
 * the disk is host memory outside the VM's RAM, which was zeroed.
 */
#include "gic.h"
#include "guest.h"
#include "hv/abi.h"
#include "lib/string.h"
#include "vio.h"

#define CONSOLE_ID 3u
#define BLK_ID	   2u
#define RXQ	   0u
#define TXQ	   1u
#define REQQ	   0u

#define CONSOLE_F_EMERG_WRITE (1ull << 2)
#define BLK_F_SEG_MAX	      (1ull << 2)
#define BLK_F_RO	      (1ull << 5)
#define BLK_F_FLUSH	      (1ull << 9)

#define BLK_T_IN     0u
#define BLK_T_OUT    1u
#define BLK_T_FLUSH  4u
#define BLK_T_GET_ID 8u
#define BLK_S_OK     0u
#define BLK_S_IOERR  1u
#define BLK_S_UNSUPP 2u

#define SECTOR	     512u
#define WAIT_SECONDS 5

static const char written[] = "Sector 1, as the guest wrote it before its "
			      "reset.\n";

/* A block request's parts, aligned as a driver would keep them. */
static _Alignas(16) struct {
	uint32_t type;
	uint32_t reserved;
	uint64_t sector;
} header;
static _Alignas(512) uint8_t data[SECTOR];
static uint8_t status;

static struct vio_dev con, blk, ro;
static volatile unsigned irqs, last_intid, last_status;

static uint64_t boots(void)
{
	return hvc_call(HV_CALL_VM_BOOTS, 0, 0, 0).x1;
}

static void on_irq(uint32_t intid)
{
	irqs++;
	last_intid = intid;
	/* The level falls when the driver acknowledges (4.2.2). */
	last_status = vio_read(&con, VIO_INT_STATUS);
	vio_write(&con, VIO_INT_ACK, last_status);
}

/* Waits for the interrupt count to reach n, for at most a few seconds. */
static void wait_irqs(unsigned n)
{
	uint64_t deadline = read_cntvct() + WAIT_SECONDS * read_cntfrq();

	while (irqs < n && read_cntvct() < deadline)
		__asm__ __volatile__("wfi" ::: "memory");
}

/* Prints the first line of buf (at most len bytes) after what. */
static void print_line(const char *what, const uint8_t *buf, unsigned len)
{
	char line[80];
	unsigned n = 0;

	while (n < len && n < sizeof(line) - 1 && buf[n] != '\n') {
		line[n] = (char)buf[n];
		n++;
	}
	line[n] = '\0';
	gprintf("%s: \"%s\"\n", what, line);
}

static void console_first_boot(void)
{
	static const char hello[] = "hello through virtio-console\n";
	struct vio_seg s = {hello, sizeof(hello) - 1, false};
	uint64_t f;
	uint32_t id, len;

	if (!vio_probe(&con, 0, CONSOLE_ID, "virtio-console"))
		return;
	f = vio_device_features(&con);
	check_true("  offers VERSION_1", (f & VIO_F_VERSION_1) != 0);
	check_true("  offers EMERG_WRITE", (f & CONSOLE_F_EMERG_WRITE) != 0);
	/* A legacy driver (no VERSION_1) is refused, then may try again. */
	check_true("  FEATURES_OK without VERSION_1 kept",
		   !vio_negotiate(&con, 0));
	check_true("  FEATURES_OK with VERSION_1 kept",
		   vio_negotiate(&con, VIO_F_VERSION_1));
	vio_write(&con, VIO_QUEUE_SEL, TXQ);
	check_eq("  QueueNumMax", vio_read(&con, VIO_QUEUE_NUM_MAX), 128);
	vio_queue_setup(&con, RXQ);
	vio_queue_setup(&con, TXQ);
	check_eq("  QueueReady", vio_read(&con, VIO_QUEUE_READY), 1);
	vio_driver_ok(&con);
	check_eq("  status", vio_read(&con, VIO_STATUS), 15);

	gic_init();
	irq_set_handler(on_irq);
	gic_enable(VIO_INTID(0), true);
	irq_unmask();
	vio_offer(&con, TXQ, &s, 1);
	vio_kick(&con, TXQ);
	wait_irqs(1);
	irq_mask();
	check_true("  transmit buffer used",
		   vio_take_used(&con, TXQ, &id, &len));
	check_eq("  used id", id, 0);
	check_eq("  used len", len, 0);
	check_eq("  interrupts", irqs, 1);
	check_eq("  interrupt INTID", last_intid, VIO_INTID(0));
	check_eq("  InterruptStatus", last_status, VIO_INT_USED);
	check_eq("  InterruptStatus after the ack",
		 vio_read(&con, VIO_INT_STATUS), 0);
	check_true("  SPI 48 not pending after the ack",
		   !gic_is_pending(VIO_INTID(0)));
	/* emerg_wr (offset 8 of the configuration): a byte, no queue. */
	for (const char *p = "emergency write\n"; *p != '\0'; p++)
		vio_write(&con, VIO_CONFIG + 8, (uint8_t)*p);
}

/* One request of type on sector with data (len bytes, 0 for none): the
 * status byte the device wrote, 0xff when it used no buffer. */
static uint8_t request(struct vio_dev *d, uint32_t type, uint64_t sector,
		       uint32_t len, uint32_t *used_len)
{
	bool device_writes = type != BLK_T_OUT;
	struct vio_seg s[3] = {{&header, sizeof(header), false},
			       {data, len, device_writes},
			       {&status, 1, true}};
	uint32_t id;

	header.type = type;
	header.reserved = 0;
	header.sector = sector;
	status = 0xff;
	if (len == 0) {
		s[1] = s[2];
		vio_offer(d, REQQ, s, 2);
	} else {
		vio_offer(d, REQQ, s, 3);
	}
	vio_kick(d, REQQ);
	if (!vio_take_used(d, REQQ, &id, used_len))
		return 0xff;
	return status;
}

static uint64_t config64(const struct vio_dev *d, unsigned off)
{
	return vio_read(d, VIO_CONFIG + off) |
	       (uint64_t)vio_read(d, VIO_CONFIG + off + 4) << 32;
}

static bool blk_start(struct vio_dev *d, unsigned slot, const char *what)
{
	if (!vio_probe(d, slot, BLK_ID, what))
		return false;
	if (!check_true("  FEATURES_OK kept",
			vio_negotiate(d, VIO_F_VERSION_1 | BLK_F_FLUSH)))
		return false;
	vio_queue_setup(d, REQQ);
	vio_driver_ok(d);
	return true;
}

static void disk_first_boot(void)
{
	uint32_t n;
	uint64_t f;

	if (!blk_start(&blk, 1, "virtio-blk"))
		return;
	f = vio_device_features(&blk);
	check_true("  offers FLUSH and SEG_MAX",
		   (f & (BLK_F_FLUSH | BLK_F_SEG_MAX)) ==
		       (BLK_F_FLUSH | BLK_F_SEG_MAX));
	check_true("  writable", !(f & BLK_F_RO));
	check_eq("  capacity (sectors)", config64(&blk, 0), 2);
	check_eq("  seg_max", vio_read(&blk, VIO_CONFIG + 12), 126);

	memset(data, 0, sizeof(data));
	check_eq("  GET_ID status", request(&blk, BLK_T_GET_ID, 0, 20, &n),
		 BLK_S_OK);
	gprintf("  GET_ID: \"%s\"\n", (const char *)data);

	check_eq("  read sector 0", request(&blk, BLK_T_IN, 0, SECTOR, &n),
		 BLK_S_OK);
	check_eq("  used len", n, SECTOR + 1);
	print_line("  sector 0", data, SECTOR);
	check_eq("  read sector 2 (past the end)",
		 request(&blk, BLK_T_IN, 2, SECTOR, &n), BLK_S_IOERR);

	memset(data, ' ', sizeof(data));
	memcpy(data, written, sizeof(written) - 1);
	check_eq("  write sector 1", request(&blk, BLK_T_OUT, 1, SECTOR, &n),
		 BLK_S_OK);
	check_eq("  used len", n, 1);
	memset(data, 0, sizeof(data));
	check_eq("  read sector 1", request(&blk, BLK_T_IN, 1, SECTOR, &n),
		 BLK_S_OK);
	print_line("  sector 1", data, SECTOR);
	check_eq("  FLUSH", request(&blk, BLK_T_FLUSH, 0, 0, &n), BLK_S_OK);
	check_eq("  request type 99", request(&blk, 99, 0, 0, &n),
		 BLK_S_UNSUPP);
	check_eq("  requests used", vio_used_idx(&blk, REQQ), 7);
}

static void read_only_disk(void)
{
	uint32_t n;

	if (!blk_start(&ro, 2, "virtio-blk, read-only"))
		return;
	check_true("  offers RO", (vio_device_features(&ro) & BLK_F_RO) != 0);
	memset(data, 'x', sizeof(data));
	check_eq("  write sector 1", request(&ro, BLK_T_OUT, 1, SECTOR, &n),
		 BLK_S_IOERR);
	check_eq("  read sector 1", request(&ro, BLK_T_IN, 1, SECTOR, &n),
		 BLK_S_OK);
	print_line("  sector 1", data, SECTOR);
}

static void second_boot(void)
{
	uint32_t n;

	con.base = VIO_BASE(0);
	check_eq("virtio-console: status after the reset",
		 vio_read(&con, VIO_STATUS), 0);
	vio_write(&con, VIO_QUEUE_SEL, TXQ);
	check_eq("virtio-console: QueueReady after the reset",
		 vio_read(&con, VIO_QUEUE_READY), 0);
	if (!blk_start(&blk, 1, "virtio-blk"))
		return;
	memset(data, 0, sizeof(data));
	check_eq("  read sector 1", request(&blk, BLK_T_IN, 1, SECTOR, &n),
		 BLK_S_OK);
	print_line("  sector 1", data, SECTOR);
	check_true("  sector 1 as written before the reset",
		   memcmp(data, written, sizeof(written) - 1) == 0);
}

int main(uint64_t dtb)
{
	(void)dtb;
	if (boots() == 1) {
		gprintf("virtio: first boot\n");
		console_first_boot();
		disk_first_boot();
		read_only_disk();
		if (check_failures() != 0)
			return guest_done("virtio");
		gprintf("virtio: SYSTEM_RESET\n");
		hvc_call(PSCI_SYSTEM_RESET, 0, 0, 0);
		check_true("virtio: SYSTEM_RESET does not return", false);
		return guest_done("virtio");
	}
	gprintf("virtio: second boot\n");
	check_eq("virtio: boots", boots(), 2);
	second_boot();
	return guest_done("virtio");
}
