/*
 * ich_lr: ICH_LR<n>_EL2 by number. The register is part of the MRS/MSR
 * encoding, so n picks an entry of a table of two-instruction stubs with a
 * computed branch: three instructions and a return, where a switch costs a
 * dozen. n must be below 16.
 */

/* ICH_LR<n>_EL2 is S3_4_C12_C<12 + n / 8>_<n % 8>. */
.macro ich_lr_stubs op
	.irp crm, 12, 13
	.irp op2, 0, 1, 2, 3, 4, 5, 6, 7
	\op
	ret
	.endr
	.endr
.endm

	.text

/* uint64_t hal_ich_lr_read(unsigned n) */
	.global hal_ich_lr_read
	.type hal_ich_lr_read, %function
hal_ich_lr_read:
	adr	x1, 1f
	add	x1, x1, w0, uxtw #3
	br	x1
1:	ich_lr_stubs "mrs x0, S3_4_C12_C\crm\()_\op2"
	.size hal_ich_lr_read, . - hal_ich_lr_read

/* void hal_ich_lr_write(unsigned n, uint64_t val) */
	.global hal_ich_lr_write
	.type hal_ich_lr_write, %function
hal_ich_lr_write:
	adr	x2, 1f
	add	x2, x2, w0, uxtw #3
	br	x2
1:	ich_lr_stubs "msr S3_4_C12_C\crm\()_\op2, x1"
	.size hal_ich_lr_write, . - hal_ich_lr_write

	.section .note.GNU-stack, "", %progbits
