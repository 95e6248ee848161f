/* SPDX-License-Identifier: MIT */
#include "imgbatch/buf.h"

#include <stdlib.h>
#include <string.h>

#include "imgbatch/alloc.h"

void ib_buf_init(struct ib_buf *b)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
}

void ib_buf_free(struct ib_buf *b)
{
    free(b->data);
    ib_buf_init(b);
}

void ib_buf_reset(struct ib_buf *b)
{
    b->len = 0;
}

static void reserve(struct ib_buf *b, size_t extra)
{
    /* One spare byte so ib_buf_cstr never has to grow. */
    b->data = ib_xgrow(b->data, &b->cap, b->len + extra + 1, 1);
}

void ib_buf_put(struct ib_buf *b, const void *p, size_t n)
{
    reserve(b, n);
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

void ib_buf_put_str(struct ib_buf *b, const char *s)
{
    ib_buf_put(b, s, strlen(s));
}

void ib_buf_putc(struct ib_buf *b, char c)
{
    ib_buf_put(b, &c, 1);
}

void ib_buf_consume(struct ib_buf *b, size_t n)
{
    if (n >= b->len) {
        b->len = 0;
        return;
    }
    memmove(b->data, b->data + n, b->len - n);
    b->len -= n;
}

const char *ib_buf_cstr(struct ib_buf *b)
{
    reserve(b, 0);
    b->data[b->len] = '\0';
    return (const char *)b->data;
}
