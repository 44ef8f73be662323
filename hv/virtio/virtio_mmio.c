/*
 * virtio_mmio: the register file is decoded in two switches (reads,
 * writes); the queue registers always act on the queue QueueSel names.
 */
#include "hv/virtio/virtio_mmio.h"

#include "hv/vgic/vgic.h"
#include "hv/vm.h"
#include "lib/fmt.h"
#include "lib/string.h"

#include <hal/mm.h>

#include <stdarg.h>

#define DRIVER_STATUS_BITS                                                     \
	(VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |                    \
	 VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK |                 \
	 VIRTIO_STATUS_FAILED)

/* The SPI follows InterruptStatus; only changes reach the vGIC. */
static void update_irq(struct virtio_mmio *t)
{
	bool line = t->interrupt_status != 0;

	if (line == t->irq_line)
		return;
	t->irq_line = line;
	if (t->vm->vgic.version != 0)
		vgic_set_level(t->vm, NULL, t->intid, line);
}

static void raise_irq(struct virtio_mmio *t, uint32_t bits)
{
	t->interrupt_status |= bits;
	update_irq(t);
}

void virtio_mmio_reset(struct virtio_mmio *t)
{
	for (unsigned i = 0; i < VIRTIO_MMIO_QUEUES; i++)
		vq_reset(&t->queues[i]);
	t->driver_features = 0;
	t->device_features_sel = 0;
	t->driver_features_sel = 0;
	t->queue_sel = 0;
	t->status = 0;
	t->interrupt_status = 0;
	update_irq(t);
	if (t->ops->reset != NULL)
		t->ops->reset(t);
}

enum hv_err virtio_mmio_init(struct virtio_mmio *t, struct vm *vm,
			     unsigned slot, const struct virtio_device_ops *ops,
			     unsigned queue_count)
{
	const struct vm_config *cfg = vm->cfg;
	struct mmio_region r;

	if (slot >= VIRTIO_MMIO_SLOTS || queue_count == 0 ||
	    queue_count > VIRTIO_MMIO_QUEUES)
		return HV_ERR_INVAL;
	/* Not through a compound literal: the chain makes it 2 KiB. */
	memset(t, 0, sizeof(*t));
	t->vm = vm;
	t->ops = ops;
	t->base = VIRTIO_MMIO_BASE + slot * VIRTIO_MMIO_SIZE;
	t->intid = VIRTIO_MMIO_INTID0 + slot;
	t->device_features = VIRTIO_F_VERSION_1;
	t->queue_count = queue_count;
	/* The RAM stage 2 maps for the VM, and nothing else: its device
	 * windows and the GIC are outside, so no buffer can name them. */
	t->mem = (struct vq_mem){
	    .ipa = ipa_addr(cfg->ram_ipa),
	    .size = cfg->ram_size,
	    .host = hal_pa_to_ptr(cfg->ram_pa, cfg->ram_size),
	};
	if (t->mem.host == NULL)
		return HV_ERR_RANGE;
	r = (struct mmio_region){
	    .name = ops->name,
	    .base = ipa_init(t->base),
	    .size = VIRTIO_MMIO_SIZE,
	    .ops = &virtio_mmio_ops,
	    .dev = t,
	};
	return mmio_bus_add(&vm->mmio, &r);
}

bool virtio_mmio_running(const struct virtio_mmio *t)
{
	return (t->status &
		(VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_DEVICE_NEEDS_RESET)) ==
	       VIRTIO_STATUS_DRIVER_OK;
}

struct virtqueue *virtio_mmio_queue(struct virtio_mmio *t, unsigned q)
{
	if (q >= t->queue_count || !t->queues[q].ready ||
	    !virtio_mmio_running(t))
		return NULL;
	return &t->queues[q];
}

static void vfail(struct virtio_mmio *t, const char *fmt, va_list ap)
{
	char msg[160];

	if (t->status & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
		return;
	t->status |= VIRTIO_STATUS_DEVICE_NEEDS_RESET;
	/* 2.1.2: the driver learns it from a configuration change. */
	raise_irq(t, VIRTIO_INT_CONFIG);
	fmt_vsnprintf(msg, sizeof(msg), fmt, ap);
	hv_log_vm(t->vm, "%s@0x%llx: %s: device needs reset", t->ops->name,
		  (unsigned long long)t->base, msg);
}

void virtio_mmio_fail(struct virtio_mmio *t, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfail(t, fmt, ap);
	va_end(ap);
}

static void queue_fail(struct virtio_mmio *t, unsigned q,
		       const struct vq_fault *f)
{
	char what[120];

	vq_fault_describe(f, what, sizeof(what));
	virtio_mmio_fail(t, "queue %u: %s", q, what);
}

enum vq_status virtio_mmio_pop(struct virtio_mmio *t, unsigned q)
{
	struct vq_fault f;
	enum vq_status s = vq_pop(&t->queues[q], &t->mem, &t->chain, &f);

	if (s != VQ_OK && s != VQ_EMPTY)
		queue_fail(t, q, &f);
	return s;
}

void virtio_mmio_push(struct virtio_mmio *t, unsigned q, uint32_t len)
{
	vq_push(&t->queues[q], t->chain.head, len);
	if (vq_wants_interrupt(&t->queues[q]))
		raise_irq(t, VIRTIO_INT_USED_BUFFER);
}

static uint32_t features_word(uint64_t features, uint32_t sel)
{
	return sel < 2 ? (uint32_t)(features >> (32 * sel)) : 0;
}

/* The configuration space, little-endian, bytes past its end as zero. */
static enum hv_err config_read(const struct virtio_mmio *t, uint64_t off,
			       unsigned size, uint64_t *val)
{
	uint64_t v = 0;

	if (size > 4 || (off & (size - 1)))
		return HV_ERR_ACCESS;
	for (unsigned i = 0; i < size; i++)
		if (off + i < t->config_size)
			v |= (uint64_t)t->config[off + i] << (8 * i);
	*val = v;
	return HV_OK;
}

static enum hv_err config_write(struct virtio_mmio *t, uint64_t off,
				unsigned size, uint64_t val)
{
	if (size > 4 || (off & (size - 1)))
		return HV_ERR_ACCESS;
	if (t->ops->config_write != NULL && off + size <= t->config_size)
		t->ops->config_write(t, (uint32_t)off, size, (uint32_t)val);
	return HV_OK;
}

/* The selected queue, or NULL when the device has no such queue. */
static struct virtqueue *selected(struct virtio_mmio *t)
{
	return t->queue_sel < t->queue_count ? &t->queues[t->queue_sel] : NULL;
}

enum hv_err virtio_mmio_read(struct virtio_mmio *t, uint64_t off, unsigned size,
			     uint64_t *val)
{
	struct virtqueue *q = selected(t);

	if (off >= VIRTIO_MMIO_CONFIG)
		return config_read(t, off - VIRTIO_MMIO_CONFIG, size, val);
	if (size != 4 || (off & 3))
		return HV_ERR_ACCESS;
	switch (off) {
	case VIRTIO_MMIO_MAGIC_VALUE:
		*val = VIRTIO_MMIO_MAGIC;
		return HV_OK;
	case VIRTIO_MMIO_VERSION_REG:
		*val = VIRTIO_MMIO_VERSION;
		return HV_OK;
	case VIRTIO_MMIO_DEVICE_ID:
		*val = t->ops->device_id;
		return HV_OK;
	case VIRTIO_MMIO_VENDOR_ID_REG:
		*val = VIRTIO_MMIO_VENDOR_ID;
		return HV_OK;
	case VIRTIO_MMIO_DEVICE_FEATURES:
		*val =
		    features_word(t->device_features, t->device_features_sel);
		return HV_OK;
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
		*val = q != NULL ? VQ_NUM_MAX : 0;
		return HV_OK;
	case VIRTIO_MMIO_QUEUE_READY:
		*val = q != NULL && q->ready;
		return HV_OK;
	case VIRTIO_MMIO_INTERRUPT_STATUS:
		*val = t->interrupt_status;
		return HV_OK;
	case VIRTIO_MMIO_STATUS:
		*val = t->status;
		return HV_OK;
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
		/* 4.2.2: a region that does not exist has length -1. */
		*val = 0xffffffffu;
		return HV_OK;
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
	case VIRTIO_MMIO_DRIVER_FEATURES:
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
	case VIRTIO_MMIO_QUEUE_SEL:
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_NOTIFY:
	case VIRTIO_MMIO_INTERRUPT_ACK:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
	case VIRTIO_MMIO_SHM_SEL:
	case VIRTIO_MMIO_CONFIG_GENERATION:
		/* Write-only, and ConfigGeneration, which never moves. */
		*val = 0;
		return HV_OK;
	default:
		return HV_ERR_ACCESS;
	}
}

/* Serves every ready queue once: buffers made available before DRIVER_OK
 * are not forgotten. */
static void notify_all(struct virtio_mmio *t)
{
	for (unsigned i = 0; i < t->queue_count; i++)
		if (virtio_mmio_queue(t, i) != NULL)
			t->ops->notify(t, i);
}

static bool features_acceptable(const struct virtio_mmio *t)
{
	uint64_t f = t->driver_features;

	if (!(f & VIRTIO_F_VERSION_1)) {
		hv_log_vm(t->vm,
			  "%s@0x%llx: driver features 0x%llx lack "
			  "VIRTIO_F_VERSION_1 (legacy drivers are not served): "
			  "FEATURES_OK refused",
			  t->ops->name, (unsigned long long)t->base,
			  (unsigned long long)f);
		return false;
	}
	if (f & ~t->device_features) {
		hv_log_vm(t->vm,
			  "%s@0x%llx: driver features 0x%llx are not among "
			  "the device's 0x%llx: FEATURES_OK refused",
			  t->ops->name, (unsigned long long)t->base,
			  (unsigned long long)f,
			  (unsigned long long)t->device_features);
		return false;
	}
	return true;
}

static void write_status(struct virtio_mmio *t, uint32_t val)
{
	uint32_t add = val & DRIVER_STATUS_BITS & ~t->status;

	if (val == 0) {
		virtio_mmio_reset(t);
		return;
	}
	if ((add & VIRTIO_STATUS_FEATURES_OK) && !features_acceptable(t))
		add &= ~VIRTIO_STATUS_FEATURES_OK;
	t->status |= add;
	if ((add & VIRTIO_STATUS_DRIVER_OK) &&
	    !(t->status & VIRTIO_STATUS_FEATURES_OK)) {
		virtio_mmio_fail(t, "DRIVER_OK without FEATURES_OK");
		return;
	}
	if (add & VIRTIO_STATUS_DRIVER_OK)
		notify_all(t);
}

static void write_ready(struct virtio_mmio *t, struct virtqueue *q,
			uint32_t val)
{
	struct vq_fault f;

	if (val == 0) {
		q->ready = false;
		return;
	}
	if (q->ready)
		return;
	if (vq_enable(q, &t->mem, &f) != VQ_OK)
		queue_fail(t, t->queue_sel, &f);
}

static void set_half(uint64_t *reg, bool high, uint32_t val)
{
	if (high)
		*reg = (*reg & 0xffffffffull) | ((uint64_t)val << 32);
	else
		*reg = (*reg & ~0xffffffffull) | val;
}

/* The registers of the selected queue, which keep still while it is
 * ready (2.7: the driver sets a queue up before enabling it). */
static void write_queue_reg(struct virtqueue *q, uint64_t off, uint32_t val)
{
	if (q == NULL || q->ready)
		return;
	switch (off) {
	case VIRTIO_MMIO_QUEUE_NUM:
		q->num = val;
		break;
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
		set_half(&q->desc_ipa, off & 4, val);
		break;
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
		set_half(&q->avail_ipa, off & 4, val);
		break;
	default: /* VIRTIO_MMIO_QUEUE_DEVICE_LOW, _HIGH */
		set_half(&q->used_ipa, off & 4, val);
		break;
	}
}

enum hv_err virtio_mmio_write(struct virtio_mmio *t, uint64_t off,
			      unsigned size, uint64_t val64)
{
	struct virtqueue *q = selected(t);
	uint32_t val = (uint32_t)val64;

	if (off >= VIRTIO_MMIO_CONFIG)
		return config_write(t, off - VIRTIO_MMIO_CONFIG, size, val64);
	if (size != 4 || (off & 3))
		return HV_ERR_ACCESS;
	switch (off) {
	case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
		t->device_features_sel = val;
		return HV_OK;
	case VIRTIO_MMIO_DRIVER_FEATURES:
		/* Features are fixed once the device accepted them. */
		if (!(t->status & VIRTIO_STATUS_FEATURES_OK) &&
		    t->driver_features_sel < 2)
			set_half(&t->driver_features,
				 t->driver_features_sel == 1, val);
		return HV_OK;
	case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
		t->driver_features_sel = val;
		return HV_OK;
	case VIRTIO_MMIO_QUEUE_SEL:
		t->queue_sel = val;
		return HV_OK;
	case VIRTIO_MMIO_QUEUE_NUM:
	case VIRTIO_MMIO_QUEUE_DESC_LOW:
	case VIRTIO_MMIO_QUEUE_DESC_HIGH:
	case VIRTIO_MMIO_QUEUE_DRIVER_LOW:
	case VIRTIO_MMIO_QUEUE_DRIVER_HIGH:
	case VIRTIO_MMIO_QUEUE_DEVICE_LOW:
	case VIRTIO_MMIO_QUEUE_DEVICE_HIGH:
		write_queue_reg(q, off, val);
		return HV_OK;
	case VIRTIO_MMIO_QUEUE_READY:
		if (q != NULL)
			write_ready(t, q, val);
		return HV_OK;
	case VIRTIO_MMIO_QUEUE_NOTIFY:
		if (virtio_mmio_queue(t, val) != NULL)
			t->ops->notify(t, val);
		return HV_OK;
	case VIRTIO_MMIO_INTERRUPT_ACK:
		t->interrupt_status &= ~val;
		update_irq(t);
		return HV_OK;
	case VIRTIO_MMIO_STATUS:
		write_status(t, val);
		return HV_OK;
	case VIRTIO_MMIO_MAGIC_VALUE:
	case VIRTIO_MMIO_VERSION_REG:
	case VIRTIO_MMIO_DEVICE_ID:
	case VIRTIO_MMIO_VENDOR_ID_REG:
	case VIRTIO_MMIO_DEVICE_FEATURES:
	case VIRTIO_MMIO_QUEUE_NUM_MAX:
	case VIRTIO_MMIO_INTERRUPT_STATUS:
	case VIRTIO_MMIO_SHM_SEL:
	case VIRTIO_MMIO_SHM_LEN_LOW:
	case VIRTIO_MMIO_SHM_LEN_HIGH:
	case VIRTIO_MMIO_SHM_BASE_LOW:
	case VIRTIO_MMIO_SHM_BASE_HIGH:
	case VIRTIO_MMIO_CONFIG_GENERATION:
		/* Read-only, and SHMSel, which selects nothing. */
		return HV_OK;
	default:
		return HV_ERR_ACCESS;
	}
}

static enum hv_err bus_read(void *dev, struct vcpu *v, uint64_t off,
			    unsigned size, uint64_t *val)
{
	(void)v;
	return virtio_mmio_read(dev, off, size, val);
}

static enum hv_err bus_write(void *dev, struct vcpu *v, uint64_t off,
			     unsigned size, uint64_t val)
{
	(void)v;
	return virtio_mmio_write(dev, off, size, val);
}

static void bus_after_write(void *dev, struct vcpu *v)
{
	struct virtio_mmio *t = dev;

	(void)v;
	if (t->ops->after_write != NULL)
		t->ops->after_write(t);
}

const struct mmio_ops virtio_mmio_ops = {
    .read = bus_read,
    .write = bus_write,
    .after_write = bus_after_write,
};
