/*
 * virtio_mmio: the virtio-mmio transport (VIRTIO 1.2, 4.2), version 2
 * only: the modern interface, VIRTIO_F_VERSION_1 required.
 *
 * A device of a VM takes slot n (0-15): its 0x200-byte register window is
 * at guest-physical VIRTIO_MMIO_BASE + n * VIRTIO_MMIO_SIZE and its
 * interrupt is SPI 48 + n (INTID 80 + n), level-sensitive, high while
 * InterruptStatus is not 0. Every device type shares this transport and
 * plugs in through struct virtio_device_ops.
 *
 * Registers: 32-bit aligned accesses only (4.2.2.2); any other width, a
 * reserved offset (QueueReset included: VIRTIO_F_RING_RESET is not
 * offered) is refused and the guest gets a data abort. Write-only
 * registers read as 0, writes to read-only ones are ignored. Queue
 * registers of a queue the device does not have read as 0 and ignore
 * writes; so do the address, size and ready registers of a ready queue,
 * except QueueReady = 0, which stops it. There is no shared memory
 * region (SHMLen and SHMBase read all ones). ConfigGeneration reads 0:
 * no device changes its configuration after a reset.
 * Configuration space (0x100 on): 1-, 2- and 4-byte accesses naturally
 * aligned; bytes beyond the device's configuration read as 0 and ignore
 * writes.
 *
 * Status (2.1): the driver can only add bits; 0 resets the device. Setting
 * FEATURES_OK keeps it only when the driver's features include
 * VIRTIO_F_VERSION_1 and are a subset of the device's (a line says why
 * when not); features written after FEATURES_OK are ignored. DRIVER_OK
 * without FEATURES_OK is an error. Once DRIVER_OK is set, queues are
 * served on QueueNotify, and each ready queue once at that moment (a kick
 * made before it is not lost).
 *
 * Errors (a malformed virtqueue, bad queue registers at QueueReady, a
 * request a device cannot answer): the device sets DEVICE_NEEDS_RESET,
 * raises the configuration change interrupt, logs one line on its VM
 * (hv_log_vm, rate-limited) and serves nothing more until the driver
 * resets it.
 *
 * Locking: every entry point runs with the VM's lock held (the MMIO bus
 * takes it), except the after_write hook, which runs with no VM lock.
 */
#ifndef HV_VIRTIO_MMIO_H
#define HV_VIRTIO_MMIO_H

#include "hv/err.h"
#include "hv/log.h"
#include "hv/mmio.h"
#include "hv/virtio/virtqueue.h"

#include <stdbool.h>
#include <stdint.h>

struct vm;

#define VIRTIO_MMIO_BASE      0x0b000000ull
#define VIRTIO_MMIO_SIZE      0x200ull
#define VIRTIO_MMIO_SLOTS     16u
#define VIRTIO_MMIO_INTID0    80u	  /* SPI 48 */
#define VIRTIO_MMIO_MAGIC     0x74726976u /* "virt" */
#define VIRTIO_MMIO_VERSION   2u
#define VIRTIO_MMIO_VENDOR_ID 0x00005648u /* "HV" */
#define VIRTIO_MMIO_QUEUES    2u	  /* the most any device here has */

/* Register offsets (4.2.2, table 4.1). */
#define VIRTIO_MMIO_MAGIC_VALUE		0x000
#define VIRTIO_MMIO_VERSION_REG		0x004
#define VIRTIO_MMIO_DEVICE_ID		0x008
#define VIRTIO_MMIO_VENDOR_ID_REG	0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES	0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014
#define VIRTIO_MMIO_DRIVER_FEATURES	0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL		0x030
#define VIRTIO_MMIO_QUEUE_NUM_MAX	0x034
#define VIRTIO_MMIO_QUEUE_NUM		0x038
#define VIRTIO_MMIO_QUEUE_READY		0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY	0x050
#define VIRTIO_MMIO_INTERRUPT_STATUS	0x060
#define VIRTIO_MMIO_INTERRUPT_ACK	0x064
#define VIRTIO_MMIO_STATUS		0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW	0x080
#define VIRTIO_MMIO_QUEUE_DESC_HIGH	0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW	0x090
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH	0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW	0x0a0
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH	0x0a4
#define VIRTIO_MMIO_SHM_SEL		0x0ac
#define VIRTIO_MMIO_SHM_LEN_LOW		0x0b0
#define VIRTIO_MMIO_SHM_LEN_HIGH	0x0b4
#define VIRTIO_MMIO_SHM_BASE_LOW	0x0b8
#define VIRTIO_MMIO_SHM_BASE_HIGH	0x0bc
#define VIRTIO_MMIO_CONFIG_GENERATION	0x0fc
#define VIRTIO_MMIO_CONFIG		0x100

/* Device status (2.1). */
#define VIRTIO_STATUS_ACKNOWLEDGE	 1u
#define VIRTIO_STATUS_DRIVER		 2u
#define VIRTIO_STATUS_DRIVER_OK		 4u
#define VIRTIO_STATUS_FEATURES_OK	 8u
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED		 128u

/* InterruptStatus (4.2.2). */
#define VIRTIO_INT_USED_BUFFER 1u
#define VIRTIO_INT_CONFIG      2u

/* Reserved feature bits (6). */
#define VIRTIO_F_VERSION_1 (1ull << 32)

/* Device IDs (5). */
#define VIRTIO_ID_NET	  1u
#define VIRTIO_ID_BLOCK	  2u
#define VIRTIO_ID_CONSOLE 3u

struct virtio_mmio;

/* What a device type adds to the transport. */
struct virtio_device_ops {
	const char *name; /* "virtio-blk": log lines name the device */
	uint32_t device_id;
	/* The driver made buffers available on a ready queue (QueueNotify,
	 * or DRIVER_OK being set), the device running. */
	void (*notify)(struct virtio_mmio *t, unsigned queue);
	/* The transport was reset (Status = 0, or the VM's reset): forget
	 * what the driver set up. Optional. */
	void (*reset)(struct virtio_mmio *t);
	/* A write of size bytes at off inside the configuration the device
	 * declared. Optional: without it the configuration is read-only. */
	void (*config_write)(struct virtio_mmio *t, uint32_t off, unsigned size,
			     uint32_t val);
	/* After each register write, with no VM lock held: work that takes
	 * other VMs' locks (hv/lock.h: one VM lock at a time). Optional. */
	void (*after_write)(struct virtio_mmio *t);
};

struct virtio_mmio {
	struct vm *vm;
	const struct virtio_device_ops *ops;
	uint64_t base; /* guest-physical */
	uint32_t intid;
	struct vq_mem mem;	  /* the VM's RAM */
	uint64_t device_features; /* set by the device's init */
	const uint8_t *config;	  /* its configuration space, little-endian */
	uint32_t config_size;
	unsigned queue_count;

	uint64_t driver_features;
	uint32_t device_features_sel;
	uint32_t driver_features_sel;
	uint32_t queue_sel;
	uint32_t status;
	uint32_t interrupt_status;
	bool irq_line; /* the level last driven on the SPI */
	struct virtqueue queues[VIRTIO_MMIO_QUEUES];
	/* The chain being served; under the VM's lock, one at a time. */
	struct vq_chain chain;
};

extern const struct mmio_ops virtio_mmio_ops;

/*
 * Sets up the transport of a device of vm in slot (0-15) with its type's
 * ops and queue_count queues, in reset state, and adds its window to the
 * VM's MMIO bus. The device then sets device_features (VERSION_1 is added
 * here), config and config_size. HV_ERR_INVAL for a bad slot or queue
 * count, HV_ERR_RANGE when the VM's RAM cannot be reached, or the bus's
 * error.
 */
enum hv_err virtio_mmio_init(struct virtio_mmio *t, struct vm *vm,
			     unsigned slot, const struct virtio_device_ops *ops,
			     unsigned queue_count);

/* Device reset (Status = 0; also what a VM reset must do, VM locked). */
void virtio_mmio_reset(struct virtio_mmio *t);

/* True when queues may be served: DRIVER_OK set, DEVICE_NEEDS_RESET not. */
bool virtio_mmio_running(const struct virtio_mmio *t);

/* Queue q when it exists and is ready and the device runs, else NULL. */
struct virtqueue *virtio_mmio_queue(struct virtio_mmio *t, unsigned q);

/*
 * Takes the next chain of queue q into t->chain: VQ_OK, VQ_EMPTY, or a
 * fault, which has already put the device in DEVICE_NEEDS_RESET.
 */
enum vq_status virtio_mmio_pop(struct virtio_mmio *t, unsigned q);

/* Returns t->chain to queue q with len bytes written and raises the used
 * buffer interrupt unless the driver asked for none. */
void virtio_mmio_push(struct virtio_mmio *t, unsigned q, uint32_t len);

/*
 * A device error: sets DEVICE_NEEDS_RESET, raises the configuration change
 * interrupt and logs "<device>@<base>: <message>: device needs reset" on
 * the VM; nothing more the first time (one line per reset).
 */
void virtio_mmio_fail(struct virtio_mmio *t, const char *fmt, ...)
    HV_PRINTF(2, 3);

/* Register access, as the MMIO bus makes it (VM locked). */
enum hv_err virtio_mmio_read(struct virtio_mmio *t, uint64_t off, unsigned size,
			     uint64_t *val);
enum hv_err virtio_mmio_write(struct virtio_mmio *t, uint64_t off,
			      unsigned size, uint64_t val);

#endif
