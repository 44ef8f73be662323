/*
 * console: the physical console of the machine (a PL011 on QEMU virt, a
 * captured buffer and stdin/stdout in the simulator).
 */
#ifndef HAL_CONSOLE_H
#define HAL_CONSOLE_H

#include <stddef.h>

/* Writes bytes; "\n" becomes "\r\n" on a real terminal. */
void hal_console_write(const char *s, size_t len);

/* Writes one byte, as hal_console_write does (the per-character path). */
void hal_console_putc(char c);

/* Returns the next received byte, or -1 at once when none is waiting. */
int hal_console_getc(void);

#endif
