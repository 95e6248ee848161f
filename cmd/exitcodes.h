/* SPDX-License-Identifier: MIT */
/* imgbatch's exit statuses, as documented in --help and the README. */
#ifndef IMGBATCH_CMD_EXITCODES_H
#define IMGBATCH_CMD_EXITCODES_H

enum exit_code {
    EXIT_ALL_DONE = 0, /* every input done, or nothing to do */
    EXIT_SOME_FAILED = 1,
    EXIT_SETUP = 2,   /* bad option, unreadable PATH, no workers */
    EXIT_LOCKED = 75, /* --lock held by another run (EX_TEMPFAIL) */
    EXIT_SIGINT = 130,
    EXIT_SIGTERM = 143,
};

#endif
