/*
 * console: output is serialised by one lock, taken last (no other lock is
 * taken under it), so any CPU may write while holding its VM's lock. Input
 * is read by the one CPU taking the interrupt, which alone keeps the escape
 * state, into the focused VM's queue, which that VM's UART drains as it
 * has room (its VM's lock, then the queue's); the focus is read from
 * anywhere.
 */
#include "hv/console.h"

#include "hv/dev/vpl011.h"
#include "hv/lock.h"
#include "hv/log.h"
#include "hv/sched.h"
#include "hv/vm.h"
#include "lib/fmt.h"

#include <hal/console.h>
#include <hal/counter.h>
#include <hal/cpu.h>

#include <stdatomic.h>

static struct vm *vms;
static unsigned vm_count;
static atomic_uint focus;
static bool escape;
static struct hv_lock out_lock;

/*
 * Input read from the console and not yet in a VM's FIFO, per VM: bytes
 * go to the VM that had the focus when they were typed and wait there
 * until it reads them. A queue's lock is taken after its VM's lock, never
 * before one.
 */
#define CONSOLE_IN_QUEUE 1024
struct in_queue {
	struct hv_lock lock;
	uint8_t bytes[CONSOLE_IN_QUEUE];
	unsigned head, count;
	uint64_t lost; /* typed while the queue was full */
};
static struct in_queue in_queues[HV_MAX_VMS];

/* The UART whose line on the console is unfinished, or NULL. */
static struct vpl011 *line_owner;

void console_init(struct vm *all, unsigned count, unsigned first)
{
	vms = all;
	vm_count = count;
	atomic_store(&focus, first < count ? first : 0);
	escape = false;
	hv_lock_init(&out_lock);
	for (unsigned i = 0; i < HV_MAX_VMS; i++) {
		in_queues[i] = (struct in_queue){.count = 0};
		hv_lock_init(&in_queues[i].lock);
	}
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
	/* Another writer cut the line: its rest says it continues one. */
	if (line_owner != u)
		line_owner->line_cut = true;
	line_owner->line_start = true;
	line_owner = NULL;
}

/* One byte of u's, with the lock held. */
static void put(struct vpl011 *u, char c)
{
	break_line(u);
	if (u->line_start) {
		hal_console_write(u->name, u->name_len);
		hal_console_write(u->line_cut ? "|+ " : "| ", 3 - !u->line_cut);
		u->line_cut = false;
	}
	hal_console_putc(c);
	u->line_start = c == '\n';
	line_owner = u->line_start ? NULL : u;
}

void console_write(struct vpl011 *u, const char *s, size_t len)
{
	hv_lock_acquire(&out_lock);
	for (size_t i = 0; i < len; i++)
		put(u, s[i]);
	hv_lock_release(&out_lock);
}

/* console_putc's general case: under the console's lock. */
static HAL_NOINLINE void putc_locked(struct vpl011 *u, char c)
{
	hv_lock_acquire(&out_lock);
	put(u, c);
	hv_lock_release(&out_lock);
}

void console_putc(struct vpl011 *u, char c)
{
	/*
	 * One CPU, in the middle of u's own line: the byte is all there is
	 * to send (the vPL011's data register, character after character).
	 */
	if (hv_lock_smp || line_owner != u || u->line_start) {
		putc_locked(u, c);
		return;
	}
	if (c == '\n') {
		u->line_start = true;
		line_owner = NULL;
	}
	hal_console_putc(c);
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

static bool is_off(struct vm *vm)
{
	bool off;

	vm_lock(vm);
	off = vm->state == VM_OFF;
	vm_unlock(vm);
	return off;
}

/* A byte for the focused VM (none for an off one); its bit in *fed. */
static void queue(uint8_t byte, unsigned *fed)
{
	unsigned vm = atomic_load(&focus);
	struct in_queue *q = &in_queues[vm];

	if (is_off(&vms[vm]))
		return;
	hv_lock_acquire(&q->lock);
	if (q->count < CONSOLE_IN_QUEUE) {
		q->bytes[(q->head + q->count) % CONSOLE_IN_QUEUE] = byte;
		q->count++;
	} else {
		q->lost++;
	}
	hv_lock_release(&q->lock);
	*fed |= 1u << vm;
}

/* Ctrl-A s: the time and how much of it each CPU slept (sched.h). */
static void print_time(void)
{
	char line[160];
	size_t n = fmt_snprintf(line, sizeof(line), "counter %llu ticks, idle:",
				(unsigned long long)hal_counter_read());

	for (unsigned i = 0; i < hal_cpu_count() && n < sizeof(line); i++)
		n += fmt_snprintf(line + n, sizeof(line) - n, " CPU %u %llu", i,
				  (unsigned long long)sched_idle_ticks(i));
	hv_log("%s", line);
}

/* A byte after Ctrl-A. */
static void escaped(int c, unsigned *fed)
{
	if (c == CONSOLE_ESCAPE) {
		queue((uint8_t)c, fed);
	} else if (c >= '1' && c < '1' + (int)vm_count) {
		atomic_store(&focus, (unsigned)(c - '1'));
		console_announce();
	} else if (c == 'x') {
		power_off_all();
	} else if (c == 's') {
		print_time();
	}
}

void console_input(void)
{
	unsigned fed = 0;
	int c;

	if (vm_count == 0)
		return;
	/* All of it, so the line goes low: no interrupt storm, and an
	 * escape is seen even when the focused VM reads nothing. */
	while ((c = hal_console_getc()) >= 0) {
		if (escape) {
			escape = false;
			escaped(c, &fed);
		} else if (c == CONSOLE_ESCAPE) {
			escape = true;
		} else {
			queue((uint8_t)c, &fed);
		}
	}
	for (unsigned i = 0; i < vm_count; i++) {
		if (!(fed & (1u << i)))
			continue;
		vm_lock(&vms[i]);
		console_feed(&vms[i].uart);
		vm_unlock(&vms[i]);
	}
}

/* Input for a VM's virtio-console, while its FIFO has room. */
static void feed_virtio(struct in_queue *q, struct virtio_console *c)
{
	while (q->count > 0 && !virtio_console_rx_full(c)) {
		uint8_t byte = q->bytes[q->head];

		q->head = (q->head + 1) % CONSOLE_IN_QUEUE;
		q->count--;
		virtio_console_receive(c, byte);
	}
}

void console_feed(struct vpl011 *u)
{
	struct virtio_console *c;
	struct in_queue *q;
	bool fed = false;

	if (u->vm == NULL || vm_count == 0)
		return;
	q = &in_queues[u->vm - vms];
	c = vm_devices_console_input(u->vm);
	hv_lock_acquire(&q->lock);
	if (c != NULL)
		feed_virtio(q, c);
	while (c == NULL && q->count > 0 &&
	       u->rx_count < vpl011_fifo_depth(u)) {
		vpl011_rx_push(u, q->bytes[q->head]);
		q->head = (q->head + 1) % CONSOLE_IN_QUEUE;
		q->count--;
		fed = true;
	}
	hv_lock_release(&q->lock);
	if (fed)
		vpl011_update_irq(u);
}
