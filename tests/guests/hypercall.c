/*
 * hypercall: the hypervisor's own calls and its SMCCC conformance.
 *
 * Every vendor-specific call with its documented results, the
 * NOT_SUPPORTED answers for ids nobody implements and for a non-zero HVC
 * immediate, the SMC conduit, and that an HVC leaves the registers SMCCC
 * 1.1 reserves to the caller untouched.
 */
#include "guest.h"
#include "hv/abi.h"

#define UNKNOWN_VENDOR_FID 0x86000055u
#define UNKNOWN_OWNER_FID  0xc5000000u

/* In hypercall.S. */
uint64_t hvc_clobbered_regs(uint32_t fid);

/* An SMCCC call with a non-zero HVC immediate, which SMCCC reserves. */
static int64_t hvc_imm1(uint32_t fid)
{
	uint64_t ret;

	__asm__ __volatile__("mov	w0, %w1\n\t"
			     "hvc	#1\n\t"
			     "mov	%0, x0"
			     : "=r"(ret)
			     : "r"(fid)
			     : "x0", "x1", "x2", "x3", "memory");
	return (int32_t)ret;
}

static int64_t call32(uint32_t fid)
{
	return (int32_t)hvc_call(fid, 0, 0, 0).x0;
}

int main(uint64_t dtb)
{
	struct smccc_res res;

	(void)dtb;
	gprintf("hypercall: vendor hypervisor calls and SMCCC conformance\n");

	check_eq("HV_CALL_VERSION",
		 (uint32_t)hvc_call(HV_CALL_VERSION, 0, 0, 0).x0,
		 HV_ABI_VERSION);
	check_ret("HV_CALL_NULL", call32(HV_CALL_NULL), SMCCC_RET_SUCCESS);

	res = hvc_call(HV_CALL_VM_INFO, 0, 0, 0);
	check_ret("HV_CALL_VM_INFO", (int32_t)res.x0, SMCCC_RET_SUCCESS);
	check_eq("HV_CALL_VM_INFO VM id", res.x1, 0);
	check_eq("HV_CALL_VM_INFO vCPU id", res.x2, 0);
	check_eq("HV_CALL_VM_INFO vCPU count", res.x3, 1);
	res = hvc_call(HV_CALL_VM_BOOTS, 0, 0, 0);
	check_ret("HV_CALL_VM_BOOTS", (int32_t)res.x0, SMCCC_RET_SUCCESS);
	check_eq("HV_CALL_VM_BOOTS count", res.x1, 1);

	res = hvc_call(HV_CALL_UID, 0, 0, 0);
	check_eq("HV_CALL_UID w0", (uint32_t)res.x0, HV_UID0);
	check_eq("HV_CALL_UID w1", (uint32_t)res.x1, HV_UID1);
	check_eq("HV_CALL_UID w2", (uint32_t)res.x2, HV_UID2);
	check_eq("HV_CALL_UID w3", (uint32_t)res.x3, HV_UID3);

	check_ret("unknown vendor call 0x86000055", call32(UNKNOWN_VENDOR_FID),
		  SMCCC_RET_NOT_SUPPORTED);
	check_ret("unknown owner call 0xc5000000", call32(UNKNOWN_OWNER_FID),
		  SMCCC_RET_NOT_SUPPORTED);
	check_ret("HVC #1 with HV_CALL_NULL", hvc_imm1(HV_CALL_NULL),
		  SMCCC_RET_NOT_SUPPORTED);

	if (smc_call_without_exception("SMCCC_VERSION via SMC", &res,
				       SMCCC_VERSION, 0, 0, 0))
		check_eq("SMCCC_VERSION via SMC", (uint32_t)res.x0,
			 SMCCC_VERSION_1_1);

	check_eq("registers in x4-x17, x19-x28 changed by HVC",
		 hvc_clobbered_regs(HV_CALL_NULL), 0);

	return guest_done("hypercall");
}
