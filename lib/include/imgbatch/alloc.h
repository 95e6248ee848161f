/* SPDX-License-Identifier: MIT */
/* Allocation that never returns NULL: an out-of-memory batch tool cannot do
 * anything useful, so it says so and stops. */
#ifndef IMGBATCH_ALLOC_H
#define IMGBATCH_ALLOC_H

#include <stddef.h>

void *ib_xmalloc(size_t size);
void *ib_xcalloc(size_t n, size_t size);
void *ib_xrealloc(void *p, size_t size);
/* Grows an array of n elements of size bytes to hold at least need. */
void *ib_xgrow(void *p, size_t *cap, size_t need, size_t size);
char *ib_xstrdup(const char *s);

/* A string arena of chained blocks: strings never move once stored, so
 * pointers into it stay valid while the arena lives. */
struct ib_arena_block;
struct ib_arena {
    struct ib_arena_block *head;
};

void ib_arena_init(struct ib_arena *a);
const char *ib_arena_store(struct ib_arena *a, const char *s, size_t len);
void ib_arena_free(struct ib_arena *a);

#endif
