/* SPDX-License-Identifier: MIT */
/* Atomic output: every output is written to a temp file in its own
 * directory and put in place whole, so a reader never sees half a file.
 *
 * The temp file has no name while it is written (O_TMPFILE) where the
 * filesystem allows, and is linked into place when whole: a worker that
 * dies leaves nothing behind. Elsewhere it is a named file renamed into
 * place; the name depends only on the output's directory and the writer's
 * pid, so the parent can remove what a dead worker left behind. */
#ifndef IMGBATCH_TEMPFILE_H
#define IMGBATCH_TEMPFILE_H

#include <sys/types.h>

#include "imgbatch/buf.h"

/* "<dir of output>/.imgbatch-<pid>.tmp": the named temp file. */
void ib_temp_path(const char *output, pid_t pid, struct ib_buf *out);

/* The directory path is in: "." for a bare name, "/" at the root. */
void ib_dir_of(const char *path, struct ib_buf *out);

/* An output being written. */
struct ib_temp {
    int fd;
    int unnamed;        /* O_TMPFILE: linked into place by ib_temp_commit */
    struct ib_buf path; /* where it can be read back from meanwhile */
};

/* Opens the temp file for output (0666 less the umask, like any new file).
 * Returns t->fd, or -1 with errno set (and nothing to discard). */
int ib_temp_open(struct ib_temp *t, const char *output);

/* Puts the whole temp file in place as output, replacing any file there,
 * and closes it; *replaced (unless NULL) says whether there was one, as
 * the link or rename found it. 0, or -1 with errno set (the temp file is
 * then discarded). */
int ib_temp_commit(struct ib_temp *t, const char *output, int *replaced);

/* Closes and removes the temp file (after a failure). */
void ib_temp_discard(struct ib_temp *t);

/* Writes len bytes as the whole of path, through a temp file (ib_temp_open
 * and ib_temp_commit): a reader sees the old file or the new one, and a
 * writer killed meanwhile leaves no temp file behind. 0, or -1 with errno
 * set. */
int ib_write_file_atomic(const char *path, const void *data, size_t len);

/* Creates the directories above path, as mkdir -p would. 0 or -1/errno. */
int ib_make_parent_dirs(const char *path);

#endif
