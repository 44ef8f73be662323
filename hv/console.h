/*
 * console: the machine's one console, shared by every VM (docs/manifest.md,
 * "The console").
 *
 * Output: each VM's vPL011 hands its bytes here; every line is prefixed
 * with the VM's name ("web| "). When a VM (or the hypervisor) writes while
 * another VM's line is unfinished, that line is ended first and its rest
 * comes later on a line of its own marked as a continuation ("web|+ "), so
 * every line on the console belongs to one VM and a reader (or a test) can
 * join the pieces.
 *
 * Input goes to one VM at a time, the focus: the VM the manifest marks
 * "console", else the first. Ctrl-A then a digit 1-4 moves the focus to
 * that VM (manifest order) and says so; Ctrl-A Ctrl-A sends a Ctrl-A;
 * Ctrl-A x powers every VM off; Ctrl-A s prints the counter and each CPU's
 * idle ticks ("hv: counter N ticks, idle: CPU 0 M", for measurements);
 * anything else after Ctrl-A is dropped, and so is what is typed for a VM
 * that is off.
 * Input is read by one CPU only, the one taking the console's interrupt;
 * output may come from any CPU. A VM that reads nothing holds up no one:
 * the console keeps reading, so the escapes always work.
 */
#ifndef HV_CONSOLE_H
#define HV_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

struct vm;
struct vpl011;

#define CONSOLE_ESCAPE 0x01 /* Ctrl-A */

/* The VMs sharing the console, focus the index of the one with input. */
void console_init(struct vm *vms, unsigned count, unsigned focus);

/* Says which VM has the input and how to switch (the banner's line). */
void console_announce(void);

/* Bytes a VM's UART transmits, prefixed line by line with its name. */
void console_write(struct vpl011 *u, const char *s, size_t len);

/* The same for one byte: the vPL011's data register. */
void console_putc(struct vpl011 *u, char c);

/* A whole line of the hypervisor's own (hv/log.c), on a line of its own. */
void console_write_line(const char *line, size_t len);

/*
 * The console's receive interrupt (on the CPU that takes it): reads all
 * waiting input, acts on escapes and queues the rest for the VM that has
 * the focus, then feeds the UARTs of the VMs that got some. Input a VM has
 * no room for waits in its queue (1 KiB; past that it is lost) until the
 * VM reads, so the interrupt never stays high.
 */
void console_input(void);

/*
 * Moves input queued for u's VM into u's FIFO while it has room (after a
 * guest read, and after input came); with u's VM locked.
 */
void console_feed(struct vpl011 *u);

/* The VM whose UART gets the input now, or NULL without VMs. */
struct vm *console_focus(void);

#endif
