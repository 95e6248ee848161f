/* SPDX-License-Identifier: MIT */
/* One image through a pipe: `imgbatch -s 100 - > out.jpg`. stdin is
 * copied into a private temp folder and made into one output there, by a
 * worker like any file (so --max-pixels, --timeout and --max-memory hold
 * as they do for files), and the output is copied to stdout. */
#ifndef IMGBATCH_CMD_PIPE_H
#define IMGBATCH_CMD_PIPE_H

#include "imgbatch/buf.h"
#include "options.h"

struct pipe {
    struct ib_buf dir;    /* the temp folder, "" when none */
    struct ib_buf input;  /* stdin's bytes, in it */
    struct ib_buf output; /* the output made, "" until then */
};

/* Whether the command line asks for a pipe: the one PATH is "-". */
int pipe_wanted(const struct cli *c);

/* Checks the options a pipe can take, reads stdin into a temp file and
 * points the run at it (its PATH, -o, quiet unless -v). 0, or -1 after
 * a message (a usage error, or stdin unreadable). */
int pipe_setup(struct cli *c, struct pipe *p);

/* The output the run made (the batch's outcome says where). */
void pipe_note_output(struct pipe *p, const char *path);

/* Copies the output to stdout. 0, or -1 after a message. */
int pipe_deliver(struct pipe *p);

/* Removes the temp folder and what is in it; frees p. */
void pipe_cleanup(struct pipe *p);

#endif
