/* SPDX-License-Identifier: MIT */
/* Claims on output paths (claims.h). */
#include "claims.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imgbatch/alloc.h"
#include "imgbatch/buf.h"
#include "imgbatch/hash.h"
#include "imgbatch/name.h"
#include "imgbatch/outpath.h"
#include "sniff.h"

/* A claimant: entry * nrenditions + rendition, or LATE | its index in
 * the late paths. */
#define LATE 0x80000000u
#define EMPTY UINT32_MAX

struct slot {
    uint32_t hash; /* 0 = empty */
    uint32_t who;
};

/* An output blocked or refused before any work. */
struct mark {
    uint32_t who;
    uint8_t state;  /* enum ib_claim_state */
    uint8_t reason; /* enum reason */
    uint32_t other; /* the other claimant (an output, or an entry) */
};

enum reason {
    R_SAME_OUTPUT, /* other: an output */
    R_ITSELF,      /* the input itself */
    R_OVERWRITES,  /* other: an entry */
    R_BAD_NAME,    /* the template makes no usable name */
};

/* A path known only once made, and its claimant. */
struct late {
    const char *path;
    uint32_t who;
};

struct ib_claims {
    const struct ib_settings *s;
    const struct ib_file_list *list;
    uint32_t nr; /* renditions */
    struct slot *table;
    size_t mask, used;
    struct mark *marks; /* sorted by who once made */
    size_t nmarks, marks_cap;
    struct late *lates;
    size_t nlates, lates_cap;
    struct ib_arena late_paths;
    unsigned char *sniffed; /* by entry: 0 not yet, 1 readable, 2 not */
    struct ib_buf a, b;
};

static uint32_t hash_path(const char *s)
{
    uint64_t h = ib_fnv1a_str(s);
    uint32_t v = (uint32_t)(h ^ (h >> 32));
    return v ? v : 1;
}

static struct ib_input_name input_of(const struct ib_claims *c, size_t entry)
{
    const struct ib_entry *e = &c->list->v[entry];
    return (struct ib_input_name){e->path, e->rel};
}

/* The path claimant who claims, into out. */
static const char *path_of(struct ib_claims *c, uint32_t who,
                           struct ib_buf *out)
{
    if (who & LATE)
        return c->lates[who & ~LATE].path;
    struct ib_input_name in = input_of(c, who / c->nr);
    char why[256];
    ib_output_path(&c->s->renditions[who % c->nr], c->s->outdir, &in,
                   &IB_OUTPUT_UNKNOWN, out, why, sizeof(why));
    return ib_buf_cstr(out);
}

static size_t entry_of(const struct ib_claims *c, uint32_t who)
{
    return (who & LATE) ? c->lates[who & ~LATE].who / c->nr : who / c->nr;
}

static int rendition_of(const struct ib_claims *c, uint32_t who)
{
    return (int)((who & LATE) ? c->lates[who & ~LATE].who % c->nr
                              : who % c->nr);
}

/* The slot of path: its claimant's, or the empty one it would take. */
static struct slot *lookup(struct ib_claims *c, const char *path)
{
    uint32_t h = hash_path(path);
    for (size_t i = h & c->mask;; i = (i + 1) & c->mask) {
        struct slot *s = &c->table[i];
        if (s->hash == 0)
            return s;
        if (s->hash == h && strcmp(path_of(c, s->who, &c->b), path) == 0)
            return s;
    }
}

static const struct ib_entry *find_input(const struct ib_file_list *list,
                                         const char *path)
{
    size_t lo = 0, hi = list->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int k = strcmp(list->v[mid].path, path);
        if (k == 0)
            return &list->v[mid];
        if (k < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

/* ---- marks ------------------------------------------------------------- */

static void mark(struct ib_claims *c, uint32_t who, enum ib_claim_state state,
                 enum reason reason, uint32_t other)
{
    c->marks =
        ib_xgrow(c->marks, &c->marks_cap, c->nmarks + 1, sizeof(*c->marks));
    c->marks[c->nmarks++] =
        (struct mark){who, (uint8_t)state, (uint8_t)reason, other};
}

static int by_who(const void *a, const void *b)
{
    uint32_t x = ((const struct mark *)a)->who,
             y = ((const struct mark *)b)->who;
    return x < y ? -1 : x > y;
}

static const struct mark *find_mark(const struct ib_claims *c, uint32_t who)
{
    struct mark key = {who, 0, 0, 0};
    return c->nmarks
               ? bsearch(&key, c->marks, c->nmarks, sizeof(*c->marks), by_who)
               : NULL;
}

/* ---- before any work --------------------------------------------------- */

static int readable(struct ib_claims *c, size_t entry)
{
    if (!c->sniffed[entry])
        c->sniffed[entry] =
            ib_sniff_readable(c->list->v[entry].path, &c->s->loaders) ? 1 : 2;
    return c->sniffed[entry] == 1;
}

/* who wants the path slot s holds. The one that cannot be read gives way
 * (it is blocked, to fail with its own reason once decoded); when neither
 * or both can, both are blocked. */
static void contest(struct ib_claims *c, struct slot *s, uint32_t who)
{
    int holder = readable(c, entry_of(c, s->who));
    int comer = readable(c, entry_of(c, who));
    if (holder && !comer) {
        mark(c, who, IB_CLAIM_BLOCKED, R_SAME_OUTPUT, s->who);
    } else if (comer && !holder) {
        mark(c, s->who, IB_CLAIM_BLOCKED, R_SAME_OUTPUT, who);
        s->who = who;
    } else {
        mark(c, who, IB_CLAIM_BLOCKED, R_SAME_OUTPUT, s->who);
        mark(c, s->who, IB_CLAIM_BLOCKED, R_SAME_OUTPUT, who);
    }
}

static void claim_early(struct ib_claims *c, size_t entry, int r)
{
    const struct ib_rendition *rd = &c->s->renditions[r];
    uint32_t who = (uint32_t)(entry * c->nr + (size_t)r);
    struct ib_input_name in = input_of(c, entry);
    char why[256];
    if (rd->name && ib_name_is_late(rd->name))
        return;
    if (ib_output_path(rd, c->s->outdir, &in, &IB_OUTPUT_UNKNOWN, &c->a, why,
                       sizeof(why)) != 0) {
        mark(c, who, IB_CLAIM_REFUSED, R_BAD_NAME, 0);
        return;
    }
    const char *path = ib_buf_cstr(&c->a);
    const struct ib_entry *input = find_input(c->list, path);
    if (input) {
        uint32_t other = (uint32_t)(input - c->list->v);
        mark(c, who, IB_CLAIM_REFUSED, other == entry ? R_ITSELF : R_OVERWRITES,
             other);
        return;
    }
    struct slot *s = lookup(c, path);
    if (s->hash) {
        contest(c, s, who);
    } else {
        *s = (struct slot){hash_path(path), who};
        c->used++;
    }
}

struct ib_claims *ib_claims_new(const struct ib_settings *s,
                                const struct ib_file_list *list)
{
    struct ib_claims *c = ib_xcalloc(1, sizeof(*c));
    c->s = s;
    c->list = list;
    c->nr = (uint32_t)s->nrenditions;
    size_t size = 16;
    while (size < list->n * c->nr * 2)
        size *= 2;
    c->table = ib_xcalloc(size, sizeof(*c->table));
    c->mask = size - 1;
    c->sniffed = ib_xcalloc(list->n ? list->n : 1, 1);
    ib_arena_init(&c->late_paths);
    ib_buf_init(&c->a);
    ib_buf_init(&c->b);
    for (size_t i = 0; i < list->n; i++)
        for (int r = 0; list->v[i].state == IB_ENTRY_INPUT && r < (int)c->nr;
             r++)
            claim_early(c, i, r);
    if (c->nmarks > 1)
        qsort(c->marks, c->nmarks, sizeof(*c->marks), by_who);
    return c;
}

void ib_claims_free(struct ib_claims *c)
{
    if (!c)
        return;
    free(c->table);
    free(c->marks);
    free(c->lates);
    free(c->sniffed);
    ib_arena_free(&c->late_paths);
    ib_buf_free(&c->a);
    ib_buf_free(&c->b);
    free(c);
}

/* "same output as 'IN'" (with the variant when there are several). */
static void name_other(struct ib_claims *c, uint32_t other, char *why,
                       size_t len)
{
    const char *path = c->list->v[entry_of(c, other)].path;
    if (c->nr > 1)
        snprintf(why, len, "same output as '%s' (variant '%s')", path,
                 c->s->renditions[rendition_of(c, other)].variant);
    else
        snprintf(why, len, "same output as '%s'", path);
}

enum ib_claim_state ib_claims_state(struct ib_claims *c, size_t i, int r,
                                    char *why, size_t why_len)
{
    const struct mark *m = find_mark(c, (uint32_t)(i * c->nr + (size_t)r));
    if (!m)
        return IB_CLAIM_FREE;
    struct ib_input_name in = input_of(c, i);
    switch (m->reason) {
    case R_ITSELF:
        snprintf(why, why_len, "its output would overwrite the input itself");
        break;
    case R_OVERWRITES:
        snprintf(why, why_len, "its output would overwrite the input '%s'",
                 c->list->v[m->other].path);
        break;
    case R_BAD_NAME:
        ib_output_path(&c->s->renditions[r], c->s->outdir, &in,
                       &IB_OUTPUT_UNKNOWN, &c->a, why, why_len);
        break;
    default: name_other(c, m->other, why, why_len); break;
    }
    return (enum ib_claim_state)m->state;
}

/* ---- while work goes on ------------------------------------------------ */

/* Twice the slots; every claim moved to its new place. */
static void grow(struct ib_claims *c)
{
    struct slot *old = c->table;
    size_t size = c->mask + 1;
    c->table = ib_xcalloc(size * 2, sizeof(*c->table));
    c->mask = size * 2 - 1;
    for (size_t i = 0; i < size; i++) {
        if (!old[i].hash)
            continue;
        size_t j = old[i].hash & c->mask;
        while (c->table[j].hash)
            j = (j + 1) & c->mask;
        c->table[j] = old[i];
    }
    free(old);
}

int ib_claims_late(struct ib_claims *c, size_t i, int r, const char *path,
                   char *why, size_t why_len)
{
    uint32_t who = (uint32_t)(i * c->nr + (size_t)r);
    const struct ib_entry *input = find_input(c->list, path);
    if (input == &c->list->v[i]) {
        snprintf(why, why_len, "its output would overwrite the input itself");
        return -1;
    }
    if (input) {
        snprintf(why, why_len, "its output would overwrite the input '%s'",
                 input->path);
        return -1;
    }
    struct slot *s = lookup(c, path);
    if (s->hash) {
        if (entry_of(c, s->who) == i && rendition_of(c, s->who) == r)
            return 0; /* handed out again after its worker died */
        name_other(c, s->who, why, why_len);
        return -1;
    }
    c->lates =
        ib_xgrow(c->lates, &c->lates_cap, c->nlates + 1, sizeof(*c->lates));
    c->lates[c->nlates] =
        (struct late){ib_arena_store(&c->late_paths, path, strlen(path)), who};
    *s = (struct slot){hash_path(path), LATE | (uint32_t)c->nlates++};
    /* A well-behaved worker claims once an output, which the table was
     * sized for; one that claims more (a name that differs on a retry, or
     * a confused worker) must not fill it. */
    if (++c->used * 2 > c->mask + 1)
        grow(c);
    return 0;
}

const char *ib_claims_late_path(const struct ib_claims *c, size_t i, int r)
{
    uint32_t who = (uint32_t)(i * c->nr + (size_t)r);
    for (size_t k = c->nlates; k-- > 0;)
        if (c->lates[k].who == who)
            return c->lates[k].path;
    return NULL;
}
