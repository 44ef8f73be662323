	// vPL011: bytes to DR, FR, a pair, writeback forms, a wild load
	movz	x1, #0x0900, lsl #16
	mov	w2, #'h'
	strb	w2, [x1]
	mov	w2, #'\n'
	strb	w2, [x1]
	ldr	w3, [x1, #0x18]
	ldp	w4, w5, [x1, #0x24]
	str	w2, [x1, #0x38]!
	ldrh	w6, [x1], #-0x38
	ldr	x7, [x1]
	movz	x8, #0x2000, lsl #16
	ldr	w9, [x8]
	str	w9, [x8]
	movz	w0, #0x8600, lsl #16
	movk	w0, #3
	mov	x1, #7
	hvc	#0
