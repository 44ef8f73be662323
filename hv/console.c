/*
 * console: output is serialised by one lock, taken last (no other lock is
 * taken under it), so any CPU may write while holding its VM's lock. Input
 * state (the escape) is touched by the one CPU taking the interrupt; the
 * focus is read from anywhere.
 */
#include "hv/console.h"

#include "hv/dev/vpl011.h"
#include "hv/irq.h"
#include "hv/lock.h"
#include "hv/log.h"
#include "hv/vm.h"

#include <hal/console.h>
#include <hal/gic.h>

#include <stdatomic.h>

static struct vm *vms;
static unsigned vm_count;
static atomic_uint focus;
static bool escape;
static atomic_bool rx_paused;
static struct hv_lock out_lock;
/* The UART whose line on the console is unfinished, or NULL. */
static struct vpl011 *line_owner;

void console_init(struct vm *all, unsigned count, unsigned first)
{
	vms = all;
	vm_count = count;
	atomic_store(&focus, first < count ? first : 0);
	escape = false;
	atomic_store(&rx_paused, false);
	hv_lock_init(&out_lock);
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

/* A byte after Ctrl-A. */
static void escaped(struct vm *vm, int c)
{
	if (c == CONSOLE_ESCAPE) {
		vpl011_receive(&vm->uart, (uint8_t)c);
	} else if (c >= '1' && c < '1' + (int)vm_count) {
		atomic_store(&focus, (unsigned)(c - '1'));
		console_announce();
	} else if (c == 'x') {
		power_off_all();
	}
}

void console_input(void)
{
	for (;;) {
		struct vm *vm = console_focus();
		int c;

		if (vm == NULL)
			return;
		if (vpl011_rx_full(&vm->uart)) {
			/* The line stays high while input waits: pause it
			 * until the guest has read some (console_resume). */
			hal_irq_enable(IRQ_CONSOLE_RX, false);
			atomic_store(&rx_paused, true);
			return;
		}
		c = hal_console_getc();
		if (c < 0)
			return;
		if (escape) {
			escape = false;
			escaped(vm, c);
		} else if (c == CONSOLE_ESCAPE) {
			escape = true;
		} else {
			vpl011_receive(&vm->uart, (uint8_t)c);
		}
	}
}

void console_resume(const struct vpl011 *u)
{
	struct vm *vm;

	/* Any CPU may see the guest make room; one re-enables. */
	if (!atomic_load(&rx_paused))
		return;
	vm = console_focus();
	/* Only the focused VM's lock: a CPU holds one VM's lock at most. */
	if (vm == NULL || (u != NULL && u != &vm->uart))
		return;
	if (!vpl011_rx_full(&vm->uart) && atomic_exchange(&rx_paused, false))
		hal_irq_enable(IRQ_CONSOLE_RX, true);
}
