/* ptimer: timer.c with the EL1 physical timer, which the hypervisor emulates.
 */
#define TIMER_PHYS
#include "timer.c"
