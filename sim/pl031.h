/*
 * pl031: QEMU virt's PL031 real-time clock as a device of hvsim's machine,
 * at the same place (0x0901_0000, SPI 2 = INTID 34, level-sensitive), so
 * that a VM it is passed through to (hv/passthrough.h) drives it as it
 * would in QEMU. The registers behave as QEMU 7.2's model makes them
 * (hw/rtc/pl031.c): DR counts seconds, MR arms an alarm that many seconds
 * ahead of DR (a match at once when equal), LR loads DR, CR reads 1,
 * IMSC/RIS/MIS/ICR the one alarm interrupt, the PrimeCell IDs at 0xfe0;
 * a reserved or write-only offset reads 0, writes to read-only ones are
 * ignored. Time is hvsim's counter (62.5 MHz: 16 ns a tick), from
 * SIM_PL031_EPOCH at tick 0. No Unicorn here: engine.c maps the page.
 */
#ifndef SIM_PL031_H
#define SIM_PL031_H

#include <stdbool.h>
#include <stdint.h>

#define SIM_PL031_BASE	0x09010000ull
#define SIM_PL031_SIZE	0x1000ull
#define SIM_PL031_INTID 34u
#define SIM_PL031_EPOCH 1704067200u /* 2024-01-01 00:00:00 UTC */

/* The device at its reset: DR = the epoch plus now's seconds, no alarm. */
void sim_pl031_reset(uint64_t now);

/* A register access at byte offset off, at counter tick now. */
uint32_t sim_pl031_read(uint64_t off, uint64_t now);
void sim_pl031_write(uint64_t off, uint32_t val, uint64_t now);

/* The counter tick at which the alarm fires, if it is armed. */
bool sim_pl031_deadline(uint64_t *tick);

/* Time has reached now: a due alarm fires. Drives the SPI's line. */
void sim_pl031_update(uint64_t now);

#endif
