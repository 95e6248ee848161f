/* SPDX-License-Identifier: MIT */
/* A growable byte buffer: frames of the worker protocol and paths. */
#ifndef IMGBATCH_BUF_H
#define IMGBATCH_BUF_H

#include <stddef.h>
#include <stdint.h>

struct ib_buf {
    unsigned char *data;
    size_t len;
    size_t cap;
};

void ib_buf_init(struct ib_buf *b);
void ib_buf_free(struct ib_buf *b);
void ib_buf_reset(struct ib_buf *b);
void ib_buf_put(struct ib_buf *b, const void *p, size_t n);
void ib_buf_put_str(struct ib_buf *b, const char *s);
void ib_buf_putc(struct ib_buf *b, char c);
/* Drops the first n bytes. */
void ib_buf_consume(struct ib_buf *b, size_t n);
/* The contents as a C string (a NUL is kept after len, not counted). */
const char *ib_buf_cstr(struct ib_buf *b);

#endif
