/* SPDX-License-Identifier: MIT */
/* A libvips target on a file descriptor that remembers why a write failed. */
#ifndef IMGBATCH_FDTARGET_H
#define IMGBATCH_FDTARGET_H

#include <vips/vips.h>

/* Writes to fd (which stays open: the caller closes it). *write_errno is
 * set to 0 now and to the errno of the first failed write. */
VipsTarget *ib_fd_target_new(int fd, int *write_errno);

#endif
