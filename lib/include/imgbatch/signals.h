/* SPDX-License-Identifier: MIT */
/* The only global mutable state of imgbatch: which stop signals arrived.
 * Handlers only set a flag and write a byte to a self-pipe that the pool's
 * poll() watches, as nginx's master does. */
#ifndef IMGBATCH_SIGNALS_H
#define IMGBATCH_SIGNALS_H

/* Installs SIGINT/SIGTERM handlers and ignores SIGPIPE (a closed report
 * pipe becomes EPIPE, handled where it is written). 0 or -1. */
int ib_signals_install(void);
/* The read end of the self-pipe, or -1 when not installed. */
int ib_signals_fd(void);
/* Empties the self-pipe. */
void ib_signals_drain(void);
/* The first stop signal received, or 0. */
int ib_signals_stop(void);
/* How many stop signals arrived (a second SIGINT ends at once). */
int ib_signals_count(void);
/* In a new worker: default dispositions, no self-pipe. */
void ib_signals_reset_in_child(void);

#endif
