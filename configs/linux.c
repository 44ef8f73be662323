/*
 * linux: a hypervisor image for QEMU virt whose one VM boots a Linux
 * kernel that QEMU's loader has put in its RAM (nothing is built in):
 *
 *   -kernel hv-linux.elf
 *   -device loader,file=Image,addr=0x48200000,force-raw=on
 *   -device loader,file=linux.dtb,addr=0x57e00000,force-raw=on
 *   -device loader,file=initrd.gz,addr=0x57e10000,force-raw=on
 *
 * Guest RAM: 256 MiB at IPA 0x4000_0000, backed by host memory at
 * 0x4800_0000 (PA = IPA + 0x0800_0000). The arm64 boot protocol: the
 * hypervisor reads the Image header and runs the kernel there if that is a
 * 2 MiB aligned address plus its text_offset (and moves it otherwise), x0
 * the device tree, MMU and D-cache off; the device tree's /chosen names the
 * initrd, loaded 64 KiB after it. VM_VCPUS comes from the build.
 */
#include "hv/config.h"
#include "hv/main.h"

#define GUEST_RAM_IPA  0x40000000ull
#define GUEST_RAM_SIZE 0x10000000ull
#define GUEST_RAM_PA   0x48000000ull
#define IMAGE_IPA      (GUEST_RAM_IPA + 0x00200000ull)
#define IMAGE_ROOM     0x04000000ull /* the kernel and its BSS */
#define DTB_IPA	       (GUEST_RAM_IPA + GUEST_RAM_SIZE - 0x00200000ull)
#define DTB_ROOM       0x00200000ull /* device tree, then the initrd */

static struct vm_config vm;
static struct hv_config config = {.vms = &vm, .vm_count = 1};

static const struct hv_config *board_config(void)
{
	vm = (struct vm_config){
	    .name = "linux",
	    .ram_ipa = ipa_init(GUEST_RAM_IPA),
	    .ram_size = GUEST_RAM_SIZE,
	    .ram_pa = pa_init(GUEST_RAM_PA),
	    .entry = ipa_init(IMAGE_IPA),
	    .image = {NULL, IMAGE_ROOM, ipa_init(IMAGE_IPA)},
	    .dtb = {NULL, DTB_ROOM, ipa_init(DTB_IPA)},
	    .vcpu_count = VM_VCPUS,
	    .console = true,
	    .linux_image = true,
	};
	return &config;
}

/* The boot CPU's entry into the core (hal/core.h), with this image's VMs. */
int hv_boot(void)
{
	return hv_main(board_config());
}
