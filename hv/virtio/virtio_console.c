/* virtio_console: input through a FIFO, output straight to the sink. */
#include "hv/virtio/virtio_console.h"

#include <stddef.h>

#define RXQ 0u
#define TXQ 1u

_Static_assert(offsetof(struct virtio_console, t) == 0,
	       "the transport is the device's first member");

static struct virtio_console *console_of(struct virtio_mmio *t)
{
	return (struct virtio_console *)t;
}

bool virtio_console_rx_full(const struct virtio_console *c)
{
	return c->rx_count == VIRTIO_CONSOLE_RX_FIFO;
}

static void room_again(struct virtio_console *c, bool was_full)
{
	if (was_full && !virtio_console_rx_full(c) && c->sink.room != NULL)
		c->sink.room(c->sink.ctx);
}

/* Moves waiting input into receive buffers, one buffer after another. */
static void flush_rx(struct virtio_console *c)
{
	bool was_full = virtio_console_rx_full(c);

	for (unsigned i = 0; i < VQ_NUM_MAX && c->rx_count != 0; i++) {
		uint32_t n = 0;

		if (virtio_mmio_queue(&c->t, RXQ) == NULL ||
		    virtio_mmio_pop(&c->t, RXQ) != VQ_OK)
			break;
		/* The FIFO wraps: at most two runs fill one buffer. */
		while (c->rx_count != 0) {
			unsigned run = VIRTIO_CONSOLE_RX_FIFO - c->rx_head;
			uint32_t w;

			if (run > c->rx_count)
				run = c->rx_count;
			w = vq_chain_write(&c->t.chain, n,
					   &c->rx_fifo[c->rx_head], run);
			c->rx_head = (c->rx_head + w) % VIRTIO_CONSOLE_RX_FIFO;
			c->rx_count -= w;
			n += w;
			if (w < run)
				break;
		}
		virtio_mmio_push(&c->t, RXQ, n);
	}
	room_again(c, was_full);
}

void virtio_console_receive(struct virtio_console *c, uint8_t byte)
{
	if (virtio_console_rx_full(c))
		return;
	c->rx_fifo[(c->rx_head + c->rx_count) % VIRTIO_CONSOLE_RX_FIFO] = byte;
	c->rx_count++;
	flush_rx(c);
}

static void output_chain(struct virtio_console *c)
{
	const struct vq_chain *ch = &c->t.chain;
	uint32_t left = VIRTIO_CONSOLE_TX_MAX;

	for (unsigned s = 0; s < ch->out_count && left != 0; s++) {
		uint32_t n = ch->seg[s].len < left ? ch->seg[s].len : left;

		c->sink.write(c->sink.ctx, (const char *)ch->seg[s].p, n);
		left -= n;
	}
	if (ch->out_len > VIRTIO_CONSOLE_TX_MAX)
		hv_log_vm(c->t.vm, "%s@0x%llx: output of %u bytes cut to %u",
			  c->t.ops->name, (unsigned long long)c->t.base,
			  ch->out_len, VIRTIO_CONSOLE_TX_MAX);
}

static void drain_tx(struct virtio_console *c)
{
	for (unsigned i = 0; i < VQ_NUM_MAX; i++) {
		if (virtio_mmio_pop(&c->t, TXQ) != VQ_OK)
			return;
		output_chain(c);
		virtio_mmio_push(&c->t, TXQ, 0);
	}
}

static void console_notify(struct virtio_mmio *t, unsigned queue)
{
	if (queue == RXQ)
		flush_rx(console_of(t));
	else
		drain_tx(console_of(t));
}

static void console_reset(struct virtio_mmio *t)
{
	struct virtio_console *c = console_of(t);
	bool was_full = virtio_console_rx_full(c);

	c->rx_head = 0;
	c->rx_count = 0;
	room_again(c, was_full);
}

static void console_config_write(struct virtio_mmio *t, uint32_t off,
				 unsigned size, uint32_t val)
{
	struct virtio_console *c = console_of(t);
	char ch = (char)(val & 0xff);

	(void)size;
	if (off == VIRTIO_CONSOLE_EMERG_WR)
		c->sink.write(c->sink.ctx, &ch, 1);
}

static const struct virtio_device_ops console_ops = {
    .name = "virtio-console",
    .device_id = VIRTIO_ID_CONSOLE,
    .notify = console_notify,
    .reset = console_reset,
    .config_write = console_config_write,
};

enum hv_err virtio_console_init(struct virtio_console *c, struct vm *vm,
				unsigned slot,
				const struct virtio_console_sink *sink)
{
	enum hv_err err = virtio_mmio_init(&c->t, vm, slot, &console_ops, 2);

	if (err != HV_OK)
		return err;
	c->sink = *sink;
	for (unsigned i = 0; i < VIRTIO_CONSOLE_CONFIG_SIZE; i++)
		c->config[i] = 0;
	c->rx_head = 0;
	c->rx_count = 0;
	c->t.device_features |= VIRTIO_CONSOLE_F_EMERG_WRITE;
	c->t.config = c->config;
	c->t.config_size = VIRTIO_CONSOLE_CONFIG_SIZE;
	return HV_OK;
}
