/* SPDX-License-Identifier: MIT */
/* The bytes a direct path's decoder reads (bytes.h). */
#define _XOPEN_SOURCE 700
#include "bytes.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

long ib_bytes_read(struct ib_bytes *b, void *out, size_t n)
{
    if (!b->data) {
        ssize_t got;
        do
            got = pread(b->fd, out, n, (off_t)b->pos);
        while (got < 0 && errno == EINTR);
        if (got > 0)
            b->pos += (size_t)got;
        return got < 0 ? -1 : (long)got;
    }
    size_t left = b->pos < b->len ? b->len - b->pos : 0;
    if (n > left)
        n = left;
    memcpy(out, b->data + b->pos, n);
    b->pos += n;
    return (long)n;
}
