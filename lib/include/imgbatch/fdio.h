/* Whole writes on a file descriptor: write(2) may write less than asked or
 * be interrupted by a signal (the parent catches SIGINT and SIGTERM without
 * SA_RESTART). */
#ifndef IMGBATCH_FDIO_H
#define IMGBATCH_FDIO_H

#include <stddef.h>

/* Writes all len bytes. 0, or -1 with errno set (EIO when write(2) wrote
 * nothing and gave no error). */
int ib_write_all(int fd, const void *data, size_t len);

#endif
