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
	if (vm_count == 1)
		hv_log("console: input to %s", vm->cfg->name);
	else
		hv_log(
		    "console: input to %s (VM %u); Ctrl-A then 1-%u gives it "
		    "to another VM, Ctrl-A x powers off",
		    vm->cfg->name, atomic_load(&focus) + 1, vm_count);
}

/*
 * Ends an unfinished line before u writes (NULL: the hypervisor); with the
 * lock held. u's own line too, when a reset of u (vpl011_init) put it back
 * at a line start in the middle of it.
 */
static void break_line(const struct vpl011 *u)
{
	if (line_owner == NULL || (line_owner == u && !u->line_start))
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
	hv_log("console: Ctrl-A x: powering every VM off");
	for (unsigned i = 0; i < vm_count; i++)
		vm_power_off(&vms[i], 0, "Ctrl-A x on the console");
}

/* A byte after Ctrl-A, with vm the focus (off: it takes no input). */
static void escaped(struct vm *vm, bool off, int c)
{
	if (c == CONSOLE_ESCAPE) {
		if (!off)
			vpl011_receive(&vm->uart, (uint8_t)c);
	} else if (c >= '1' && c < '1' + (int)vm_count) {
		atomic_store(&focus, (unsigned)(c - '1'));
		console_announce();
	} else if (c == 'x') {
		power_off_all();
	}
}

/* A VM that is off reads no input: what is typed for it is dropped. */
static bool is_off(struct vm *vm)
{
	bool off;

	vm_lock(vm);
	off = vm->state == VM_OFF;
	vm_unlock(vm);
	return off;
}

void console_input(void)
{
	for (;;) {
		struct vm *vm = console_focus();
		bool off;
		int c;

		if (vm == NULL)
			return;
		off = is_off(vm);
		/* An off VM's full FIFO must not stop the escapes that move
		 * the input to another VM. */
		if (!off && vpl011_rx_full(&vm->uart)) {
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
			escaped(vm, off, c);
		} else if (c == CONSOLE_ESCAPE) {
			escape = true;
		} else if (!off) {
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
