/*
 * console: output is serialised by one lock, taken last (no other lock is
 * taken under it), so any CPU may write while holding its VM's lock. Input
 * is read by the one CPU taking the interrupt, which alone keeps the escape
 * state, into a queue that the focused VM's UART drains as it has room
 * (its own lock, then the queue's); the focus is read from anywhere.
 */
#include "hv/console.h"

#include "hv/dev/vpl011.h"
#include "hv/lock.h"
#include "hv/log.h"
#include "hv/vm.h"

#include <hal/console.h>

#include <stdatomic.h>

static struct vm *vms;
static unsigned vm_count;
static atomic_uint focus;
static bool escape;
static struct hv_lock out_lock;

/*
 * Input read from the console and not yet in a VM's FIFO, each byte with
 * the VM that had the focus when it was typed. Taken after a VM's lock,
 * never before one.
 */
#define CONSOLE_IN_RING 4096
struct in_byte {
	uint8_t byte;
	uint8_t vm;
};
static struct in_byte in_ring[CONSOLE_IN_RING];
static unsigned in_head, in_count;
static uint64_t in_lost;
static struct hv_lock in_lock;
/* The UART whose line on the console is unfinished, or NULL. */
static struct vpl011 *line_owner;

void console_init(struct vm *all, unsigned count, unsigned first)
{
	vms = all;
	vm_count = count;
	atomic_store(&focus, first < count ? first : 0);
	escape = false;
	hv_lock_init(&out_lock);
	hv_lock_init(&in_lock);
	in_head = 0;
	in_count = 0;
	in_lost = 0;
	line_owner = NULL;
}

struct vm *console_focus(void)
{
	return vm_count != 0 ? &vms[atomic_load(&focus)] : NULL;
}

void console_announce(void)
{
	struct vm *vm = console_focus();

	if (vm == NULL)
		return;
	/* Not "hv: <name>: ...": that is how lines about a VM begin. */
	if (vm_count == 1)
		hv_log("input goes to %s", vm->cfg->name);
	else
		hv_log("input goes to %s (VM %u of %u): Ctrl-A then a VM's "
		       "number switches, Ctrl-A x powers off",
		       vm->cfg->name, atomic_load(&focus) + 1, vm_count);
}

/* Ends another VM's unfinished line; with the lock held. */
static void break_line(const struct vpl011 *u)
{
	if (line_owner == NULL || line_owner == u)
		return;
	hal_console_write("\n", 1);
	line_owner->line_start = true;
	line_owner = NULL;
}

void console_write(struct vpl011 *u, const char *s, size_t len)
{
	hv_lock_acquire(&out_lock);
	for (size_t i = 0; i < len; i++) {
		break_line(u);
		if (u->line_start) {
			hal_console_write(u->name, u->name_len);
			hal_console_write("| ", 2);
		}
		hal_console_write(&s[i], 1);
		u->line_start = s[i] == '\n';
		line_owner = u->line_start ? NULL : u;
	}
	hv_lock_release(&out_lock);
}

void console_write_line(const char *line, size_t len)
{
	hv_lock_acquire(&out_lock);
	break_line(NULL);
	hal_console_write(line, len);
	hv_lock_release(&out_lock);
}

static void power_off_all(void)
{
	hv_log("powering every VM off (Ctrl-A x on the console)");
	for (unsigned i = 0; i < vm_count; i++)
		vm_power_off(&vms[i], 0, "Ctrl-A x on the console");
}

static void queue(uint8_t byte)
{
	hv_lock_acquire(&in_lock);
	if (in_count < CONSOLE_IN_RING) {
		in_ring[(in_head + in_count) % CONSOLE_IN_RING] =
		    (struct in_byte){byte, (uint8_t)atomic_load(&focus)};
		in_count++;
	} else {
		in_lost++;
	}
	hv_lock_release(&in_lock);
}

/* A byte after Ctrl-A. */
static void escaped(int c)
{
	if (c == CONSOLE_ESCAPE) {
		queue((uint8_t)c);
	} else if (c >= '1' && c < '1' + (int)vm_count) {
		atomic_store(&focus, (unsigned)(c - '1'));
		console_announce();
	} else if (c == 'x') {
		power_off_all();
	}
}

void console_input(void)
{
	struct vm *vm = console_focus();
	int c;

	if (vm == NULL)
		return;
	/* All of it, so the line goes low: no interrupt storm, and an
	 * escape is seen even when the focused VM reads nothing. */
	while ((c = hal_console_getc()) >= 0) {
		if (escape) {
			escape = false;
			escaped(c);
		} else if (c == CONSOLE_ESCAPE) {
			escape = true;
		} else {
			queue((uint8_t)c);
		}
	}
	vm = console_focus();
	vm_lock(vm);
	console_feed(&vm->uart);
	vm_unlock(vm);
}

void console_feed(struct vpl011 *u)
{
	unsigned me;
	bool fed = false;

	if (u->vm == NULL || vm_count == 0)
		return;
	me = (unsigned)(u->vm - vms);
	hv_lock_acquire(&in_lock);
	while (in_count > 0) {
		struct in_byte b = in_ring[in_head];

		if (b.vm != me && b.vm == atomic_load(&focus))
			break; /* the focused VM's, not ours */
		if (b.vm == me) {
			if (u->rx_count >= vpl011_fifo_depth(u))
				break;
			vpl011_rx_push(u, b.byte);
			fed = true;
		}
		/* Typed for a VM that no longer has the focus: dropped. */
		in_head = (in_head + 1) % CONSOLE_IN_RING;
		in_count--;
	}
	hv_lock_release(&in_lock);
	if (fed)
		vpl011_update_irq(u);
}
