	// system registers, SMC, WFE, an undefined instruction
	mrs	x0, pmcr_el0
	mrs	x1, id_aa64pfr0_el1
	mrs	x2, actlr_el1
	msr	actlr_el1, x2
	dc	cisw, xzr
	mrs	x3, cntvct_el0
	mrs	x4, cntp_ctl_el0
	mrs	x5, mpidr_el1
	mrs	x6, s3_0_c15_c0_0
	movz	w0, #0x8400, lsl #16
	smc	#0
	wfe
	udf	#0
	svc	#1
	brk	#2
	movz	w0, #0x8400, lsl #16
	movk	w0, #9
	hvc	#0
