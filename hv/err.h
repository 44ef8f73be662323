/* err: error values returned by the core; hv_err_str names them. */
#ifndef HV_ERR_H
#define HV_ERR_H

enum hv_err {
	HV_OK = 0,
	HV_ERR_NOMEM,	/* a fixed pool is exhausted */
	HV_ERR_INVAL,	/* an argument is malformed */
	HV_ERR_ALIGN,	/* an address or size is misaligned */
	HV_ERR_RANGE,	/* an address is outside what may be used */
	HV_ERR_OVERLAP, /* a region overlaps another */
	HV_ERR_EXIST,	/* something is already there */
	HV_ERR_NOENT,	/* nothing is there */
	HV_ERR_ACCESS,	/* a device refuses this access */
	HV_ERR_NOTSUP,	/* the machine lacks what this needs */
};

const char *hv_err_str(enum hv_err e);

#endif
