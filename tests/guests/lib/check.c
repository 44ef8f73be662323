/*
 * check: one-line self-describing test results.
 *
 * Each check prints what it looked at, the value it got and ok or FAIL, so
 * a transcript alone explains a failure; the failure count becomes the
 * guest's exit status.
 */
#include "guest.h"

static unsigned failures;

static bool record(bool ok)
{
	if (!ok)
		failures++;
	return ok;
}

bool check_eq(const char *what, uint64_t got, uint64_t want)
{
	if (got == want)
		gprintf("%s: 0x%lx ok\n", what, (unsigned long)got);
	else
		gprintf("%s: 0x%lx FAIL (want 0x%lx)\n", what,
			(unsigned long)got, (unsigned long)want);
	return record(got == want);
}

bool check_ret(const char *what, int64_t got, int64_t want)
{
	if (got == want)
		gprintf("%s: %ld ok\n", what, (long)got);
	else
		gprintf("%s: %ld FAIL (want %ld)\n", what, (long)got,
			(long)want);
	return record(got == want);
}

bool check_true(const char *what, bool cond)
{
	gprintf("%s: %s\n", what, cond ? "ok" : "FAIL");
	return record(cond);
}

static void print_exc(uint64_t esr, uint64_t far, uint64_t vector,
		      bool with_far)
{
	gprintf("esr 0x%08lx", (unsigned long)esr);
	if (with_far)
		gprintf(" far 0x%lx", (unsigned long)far);
	gprintf(" vector 0x%lx", (unsigned long)vector);
}

bool check_exc(const char *what, uint64_t want_esr, uint64_t want_far,
	       struct guest_exc *out)
{
	struct guest_exc exc;
	bool with_far = want_far != EXC_FAR_ANY;
	bool ok;

	if (!exc_taken(&exc)) {
		gprintf("%s: no exception FAIL\n", what);
		if (out != NULL)
			*out = (struct guest_exc){0, 0, 0, 0};
		return record(false);
	}
	if (out != NULL)
		*out = exc;

	ok = exc.esr == want_esr && exc.vector == EXC_VECTOR_CUR_SPX_SYNC &&
	     (!with_far || exc.far == want_far);
	gprintf("%s: ", what);
	print_exc(exc.esr, exc.far, exc.vector, with_far);
	if (ok) {
		gprintf(" ok\n");
	} else {
		gprintf(" FAIL (want ");
		print_exc(want_esr, want_far, EXC_VECTOR_CUR_SPX_SYNC,
			  with_far);
		gprintf(")\n");
	}
	return record(ok);
}

bool smc_call_without_exception(const char *what, struct smccc_res *res,
				uint32_t fid, uint64_t a1, uint64_t a2,
				uint64_t a3)
{
	struct guest_exc exc;

	exc_expect();
	*res = smc_call(fid, a1, a2, a3);
	if (!exc_taken(&exc))
		return true;
	gprintf("%s: SMC raised an exception, esr 0x%08lx FAIL\n", what,
		(unsigned long)exc.esr);
	return record(false);
}

unsigned check_failures(void)
{
	return failures;
}

int guest_done(const char *name)
{
	if (failures != 0)
		gprintf("%s: %u checks failed\n", name, failures);
	gprintf("%s: done\n", name);
	return failures != 0 ? 1 : 0;
}
