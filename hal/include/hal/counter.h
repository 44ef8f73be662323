/* counter: the system counter (CNTPCT_EL0) and its frequency. */
#ifndef HAL_COUNTER_H
#define HAL_COUNTER_H

#include <stdint.h>

uint64_t hal_counter_read(void);
uint64_t hal_counter_freq(void);

#endif
