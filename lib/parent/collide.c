/* SPDX-License-Identifier: MIT */
/* Output clashes are found with a hash table of 64-bit hashes of output
 * paths (16 bytes an input, not a copy of every path); a hash match is
 * confirmed by rebuilding the other output path. An output that is another
 * input's path is found by binary search in the sorted list. */
#include "collide.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "imgbatch/alloc.h"
#include "imgbatch/buf.h"
#include "imgbatch/hash.h"
#include "outpath.h"

struct claim {
    uint64_t hash; /* 0 = empty slot */
    size_t index;
};

/* 0 marks an empty slot. */
static uint64_t hash_path(const char *s)
{
    uint64_t h = ib_fnv1a_str(s);
    return h ? h : 1;
}

static const struct ib_entry *find_input(const struct ib_file_list *list,
                                         const char *path)
{
    size_t lo = 0, hi = list->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = strcmp(list->v[mid].path, path);
        if (c == 0)
            return &list->v[mid];
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void mark(struct ib_entry *e, enum ib_entry_why why, size_t other)
{
    e->state = IB_ENTRY_ERROR;
    e->why = (unsigned char)why;
    e->other = (unsigned)other;
}

/* Claims the output path for entry i; returns the index of the earlier
 * claimant when there is one, or (size_t)-1. */
static size_t claim(struct claim *table, size_t mask,
                    const struct ib_settings *s,
                    const struct ib_file_list *list, size_t i,
                    const char *output, struct ib_buf *scratch)
{
    uint64_t h = hash_path(output);
    for (size_t slot = h & mask;; slot = (slot + 1) & mask) {
        if (table[slot].hash == 0) {
            table[slot].hash = h;
            table[slot].index = i;
            return (size_t)-1;
        }
        if (table[slot].hash != h)
            continue;
        ib_output_path(s, s->outdir, &list->v[table[slot].index], scratch);
        if (strcmp(ib_buf_cstr(scratch), output) == 0)
            return table[slot].index;
    }
}

size_t ib_mark_collisions(const struct ib_settings *s,
                          struct ib_file_list *list)
{
    size_t size = 16;
    while (size < list->n * 2)
        size *= 2;
    struct claim *table = ib_xcalloc(size, sizeof(*table));
    struct ib_buf out, scratch;
    ib_buf_init(&out);
    ib_buf_init(&scratch);
    size_t marked = 0;
    for (size_t i = 0; i < list->n; i++) {
        struct ib_entry *e = &list->v[i];
        if (e->state != IB_ENTRY_INPUT)
            continue;
        ib_output_path(s, s->outdir, e, &out);
        const char *output = ib_buf_cstr(&out);
        const struct ib_entry *input = find_input(list, output);
        size_t first;
        if (input == e)
            mark(e, IB_WHY_OUTPUT_IS_INPUT, i);
        else if (input)
            mark(e, IB_WHY_OVERWRITES, (size_t)(input - list->v));
        else if ((first = claim(table, size - 1, s, list, i, output,
                                &scratch)) != (size_t)-1)
            mark(e, IB_WHY_COLLISION, first);
        else
            continue;
        marked++;
    }
    free(table);
    ib_buf_free(&out);
    ib_buf_free(&scratch);
    return marked;
}
