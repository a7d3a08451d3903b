/*
 * civil.h — days since 1970-01-01 to and from a proleptic Gregorian date
 * (Howard Hinnant's algorithms), for event times (facts.c) and EVTX
 * FILETIMEs (binxml.c).  Exact for every int64 day count a time can hold.
 */
#ifndef RDX_EVENT_CIVIL_H
#define RDX_EVENT_CIVIL_H

#include <stdint.h>

int64_t rdx_days_from_civil(int64_t y, unsigned m, unsigned d);
void rdx_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

#endif
