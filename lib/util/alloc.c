/* SPDX-License-Identifier: MIT */
#include "imgbatch/alloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ARENA_BLOCK_SIZE (1u << 20)

static void out_of_memory(size_t size)
{
    fprintf(stderr, "imgbatch: out of memory (asked for %zu bytes)\n", size);
    abort();
}

void *ib_xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);
    if (!p)
        out_of_memory(size);
    return p;
}

void *ib_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory(n * size);
    return p;
}

void *ib_xrealloc(void *p, size_t size)
{
    void *q = realloc(p, size ? size : 1);
    if (!q)
        out_of_memory(size);
    return q;
}

void *ib_xgrow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t n = *cap ? *cap : 16;
    while (n < need)
        n *= 2;
    *cap = n;
    return ib_xrealloc(p, n * size);
}

char *ib_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(ib_xmalloc(n), s, n);
}

struct ib_arena_block {
    struct ib_arena_block *next;
    size_t used;
    size_t size;
    char data[];
};

void ib_arena_init(struct ib_arena *a)
{
    a->head = NULL;
}

const char *ib_arena_store(struct ib_arena *a, const char *s, size_t len)
{
    struct ib_arena_block *b = a->head;
    if (!b || b->size - b->used < len + 1) {
        size_t size = len + 1 > ARENA_BLOCK_SIZE ? len + 1 : ARENA_BLOCK_SIZE;
        b = ib_xmalloc(sizeof(*b) + size);
        b->next = a->head;
        b->used = 0;
        b->size = size;
        a->head = b;
    }
    char *dst = b->data + b->used;
    memcpy(dst, s, len);
    dst[len] = '\0';
    b->used += len + 1;
    return dst;
}

void ib_arena_free(struct ib_arena *a)
{
    while (a->head) {
        struct ib_arena_block *next = a->head->next;
        free(a->head);
        a->head = next;
    }
}
