/* Atomic output: every output is written to a temp file in its own
 * directory and renamed into place, so a reader never sees half a file.
 * The temp name depends only on the output's directory and the writer's pid,
 * so the parent can remove what a dead worker left behind. */
#ifndef IMGBATCH_TEMPFILE_H
#define IMGBATCH_TEMPFILE_H

#include <sys/types.h>

#include "imgbatch/buf.h"

/* "<dir of output>/.imgbatch-<pid>.tmp" */
void ib_temp_path(const char *output, pid_t pid, struct ib_buf *out);

/* Creates the temp file for writing (0666 less the umask, like any new
 * file). A stale one of the same name (a dead process's) is replaced.
 * Returns the fd or -1 with errno set. */
int ib_temp_create(const char *temp_path);

/* Creates the directories above path, as mkdir -p would. 0 or -1/errno. */
int ib_make_parent_dirs(const char *path);

#endif
