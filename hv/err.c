/* err: names of the error values, for messages. */
#include "hv/err.h"

const char *hv_err_str(enum hv_err e)
{
	switch (e) {
	case HV_OK:
		return "ok";
	case HV_ERR_NOMEM:
		return "out of pool memory";
	case HV_ERR_INVAL:
		return "invalid argument";
	case HV_ERR_ALIGN:
		return "misaligned";
	case HV_ERR_RANGE:
		return "out of range";
	case HV_ERR_OVERLAP:
		return "overlapping";
	case HV_ERR_EXIST:
		return "already exists";
	case HV_ERR_NOENT:
		return "not found";
	case HV_ERR_ACCESS:
		return "access refused";
	case HV_ERR_NOTSUP:
		return "not supported by this machine";
	}
	return "unknown error";
}
