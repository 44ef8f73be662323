/*
 * core: what a backend needs from the core, and all it may use of it. The
 * HAL never includes hv/ headers; the core implements these.
 */
#ifndef HAL_CORE_H
#define HAL_CORE_H

#if defined(__GNUC__)
#define HAL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define HAL_PRINTF(f, a)
#endif

/*
 * The core's entry on the boot CPU, once the HAL has set the machine up
 * (hal_platform, hal_gic, hal_cpu_count are valid): reads the VMs'
 * description, creates them, runs them until all have stopped and returns
 * the status the machine should stop with (hal_system_off).
 */
int hv_boot(void);

/*
 * Entry of every other physical CPU, which the HAL starts
 * (hal_cpu_start_others) once the VMs exist: runs that CPU's vCPUs until
 * every VM is off, then returns (the HAL parks the CPU).
 */
void hv_secondary_main(void);

/* One line on the console: "hv: " + formatted message + "\n". */
void hv_log(const char *fmt, ...) HAL_PRINTF(1, 2);

/* Logs where and why, then stops this CPU for good (hal_halt). */
_Noreturn void hv_panic(const char *file, int line, const char *fmt, ...)
    HAL_PRINTF(3, 4);

#endif
