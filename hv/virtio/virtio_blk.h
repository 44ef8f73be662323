/*
 * virtio_blk: a block device (VIRTIO 1.2, 5.2; device ID 2) over a region
 * of host memory, the disk image module the boot loader placed. Writes go
 * to that memory at once, so they survive the VM's resets (not a machine
 * restart) and FLUSH has nothing to wait for.
 *
 * One request queue (0). Features: VIRTIO_BLK_F_SEG_MAX (seg_max = the
 * longest chain less header and status), VIRTIO_BLK_F_FLUSH, and
 * VIRTIO_BLK_F_RO for a read-only disk. Capacity: the region's size in
 * 512-byte sectors (a partial last sector is not used).
 *
 * A request is a 16-byte header (type, reserved, sector) in device-readable
 * buffers, then data, then a status byte: the last device-writable byte.
 * Answers:
 *   IN (read), OUT (write): data a whole number of sectors, inside the
 *     capacity, else VIRTIO_BLK_S_IOERR; a write to a read-only disk is
 *     VIRTIO_BLK_S_IOERR too. A read fills all writable bytes but the
 *     status; a write takes all readable bytes after the header.
 *   FLUSH: VIRTIO_BLK_S_OK when negotiated, else VIRTIO_BLK_S_UNSUPP.
 *   GET_ID: the ID string, at most 20 bytes, NUL-padded when shorter.
 *   anything else: VIRTIO_BLK_S_UNSUPP.
 * The used length is the bytes written, status included. A request with
 * fewer than 16 readable bytes or without a writable byte cannot be
 * answered: DEVICE_NEEDS_RESET (virtio_mmio.h).
 */
#ifndef HV_VIRTIO_BLK_H
#define HV_VIRTIO_BLK_H

#include "hv/virtio/virtio_mmio.h"

#include <hal/types.h>

#define VIRTIO_BLK_F_SEG_MAX (1ull << 2)
#define VIRTIO_BLK_F_RO	     (1ull << 5)
#define VIRTIO_BLK_F_FLUSH   (1ull << 9)

#define VIRTIO_BLK_T_IN	    0u
#define VIRTIO_BLK_T_OUT    1u
#define VIRTIO_BLK_T_FLUSH  4u
#define VIRTIO_BLK_T_GET_ID 8u

#define VIRTIO_BLK_S_OK	    0u
#define VIRTIO_BLK_S_IOERR  1u
#define VIRTIO_BLK_S_UNSUPP 2u

#define VIRTIO_BLK_SECTOR      512u
#define VIRTIO_BLK_HEADER      16u
#define VIRTIO_BLK_ID_BYTES    20u
#define VIRTIO_BLK_CONFIG_SIZE 24u /* capacity .. blk_size */

struct virtio_blk {
	struct virtio_mmio t; /* first: the device is found from it */
	uint8_t *disk;
	uint64_t sectors;
	bool read_only;
	char id[VIRTIO_BLK_ID_BYTES];
	uint8_t config[VIRTIO_BLK_CONFIG_SIZE];
};

/*
 * A block device of vm in slot over [disk, disk + size) of host memory,
 * answering GET_ID with id (cut to 20 bytes). HV_ERR_RANGE when the
 * hypervisor cannot reach the disk, else virtio_mmio_init's errors.
 */
enum hv_err virtio_blk_init(struct virtio_blk *b, struct vm *vm, unsigned slot,
			    paddr_t disk, uint64_t size, bool read_only,
			    const char *id);

#endif
