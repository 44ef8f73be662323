/*
 * payload: the guest image and device tree built into a hypervisor image.
 * PAYLOAD_IMAGE and PAYLOAD_DTB are paths given by the build.
 */
	.section .rodata.payload, "a"
	.balign 4096
	.global payload_image
payload_image:
	.incbin PAYLOAD_IMAGE
	.global payload_image_end
payload_image_end:

	.balign 8
	.global payload_dtb
payload_dtb:
	.incbin PAYLOAD_DTB
	.global payload_dtb_end
payload_dtb_end:
