/*
 * qemu_virt: the static configuration of a hypervisor image for QEMU virt
 * with one VM. VM_NAME and VM_VCPUS come from the build; the guest image
 * and its device tree are linked in by payload.S.
 *
 * Host memory: the hypervisor owns the first 64 MiB of RAM (QEMU's device
 * tree, the image, its pools); the VM's 64 MiB of RAM are backed by host
 * memory at 0x4800_0000 and seen by the guest at IPA 0x4000_0000, where its
 * image is loaded and entered; its device tree goes 2 MiB below the top.
 */
#include "hv/config.h"
#include "hv/main.h"

extern const char payload_image[], payload_image_end[];
extern const char payload_dtb[], payload_dtb_end[];

#define GUEST_RAM_IPA  0x40000000ull
#define GUEST_RAM_SIZE 0x04000000ull
#define GUEST_RAM_PA   0x48000000ull
#define GUEST_DTB_IPA  (GUEST_RAM_IPA + GUEST_RAM_SIZE - 0x200000ull)

static struct vm_config vm;
static struct hv_config config = {.vms = &vm, .vm_count = 1};

static const struct hv_config *board_config(void)
{
	vm = (struct vm_config){
	    .name = VM_NAME,
	    .ram_ipa = ipa_init(GUEST_RAM_IPA),
	    .ram_size = GUEST_RAM_SIZE,
	    .ram_pa = pa_init(GUEST_RAM_PA),
	    .entry = ipa_init(GUEST_RAM_IPA),
	    .image = {payload_image,
		      (uint64_t)(payload_image_end - payload_image),
		      ipa_init(GUEST_RAM_IPA)},
	    .dtb = {payload_dtb, (uint64_t)(payload_dtb_end - payload_dtb),
		    ipa_init(GUEST_DTB_IPA)},
	    .vcpu_count = VM_VCPUS,
	    .console = true,
	};
	return &config;
}

/* The boot CPU's entry into the core (hal/core.h), with this image's VMs. */
int hv_boot(void)
{
	return hv_main(board_config());
}
