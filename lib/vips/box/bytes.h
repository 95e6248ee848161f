/* SPDX-License-Identifier: MIT */
/* The bytes a direct path's decoder reads: a file, read with pread so
 * that the libvips source open on the same descriptor keeps its position,
 * or memory (the fuzz targets' and unit tests' entry). */
#ifndef IMGBATCH_BYTES_H
#define IMGBATCH_BYTES_H

#include <stddef.h>

struct ib_bytes {
    int fd; /* -1: data */
    const unsigned char *data;
    size_t len; /* of data */
    size_t pos;
};

/* Up to n bytes from pos on into out: how many (0 at the end), or -1. */
long ib_bytes_read(struct ib_bytes *b, void *out, size_t n);

#endif
