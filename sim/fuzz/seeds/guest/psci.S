	// PSCI: version, CPU_ON of vCPU 1 at the body, a few HV calls, SYSTEM_OFF
	movz	w0, #0x8400, lsl #16
	hvc	#0
	movz	w0, #0xc400, lsl #16
	movk	w0, #3
	mov	x1, #1
	movz	x2, #0x4000, lsl #16
	movk	x2, #0x1000
	mov	x3, #0x42
	hvc	#0
	movz	w0, #0x8600, lsl #16
	movk	w0, #2
	hvc	#0
	wfi
	movz	w0, #0x8400, lsl #16
	movk	w0, #8
	hvc	#0
