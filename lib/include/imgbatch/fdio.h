/* SPDX-License-Identifier: MIT */
/* Whole reads and writes on a file descriptor: read(2) and write(2) may
 * move less than asked or be interrupted by a signal (the parent catches
 * SIGINT and SIGTERM without SA_RESTART). */
#ifndef IMGBATCH_FDIO_H
#define IMGBATCH_FDIO_H

#include <stddef.h>
#include <sys/types.h>

/* Writes all len bytes. 0, or -1 with errno set (EIO when write(2) wrote
 * nothing and gave no error). */
int ib_write_all(int fd, const void *data, size_t len);

/* Reads until len bytes are in data, or EOF or an error. 0 when all len
 * came, -1 otherwise. */
int ib_read_all(int fd, void *data, size_t len);

/* Reads len bytes from offset with pread(2) (the descriptor's own offset
 * stays), past short reads, until EOF: how many came, or -1 on an error
 * (errno set). */
ssize_t ib_pread_all(int fd, void *data, size_t len, off_t offset);

#endif
