/* SPDX-License-Identifier: MIT */
/* The monotonic clock, for durations: timeouts, rates, per-file times. */
#ifndef IMGBATCH_CLOCK_H
#define IMGBATCH_CLOCK_H

/* Seconds since an arbitrary start, never going back. */
double ib_now_seconds(void);

/* The same in microseconds. */
long long ib_now_usec(void);

#endif
