/* SPDX-License-Identifier: MIT */
/* Fuzzes the geometry grammar: the one piece of user text every run parses.
 *
 * Input: the geometry text up to the first NUL (all of it when there is
 * none); any bytes after that NUL are read as display sizes to resolve it
 * against, on top of a fixed set of extremes. Seeds are plain text files.
 *
 * Invariants, each an abort():
 *   - a rejected text has a reason;
 *   - a resolved target is 1..IB_GEOMETRY_MAX_SIDE on both sides, an area
 *     stays within N pixels (unless '<' leaves a larger image alone), and
 *     '>' / '<' on a percentage never enlarge / shrink;
 *   - the canonical form parses, and formats to itself again. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "imgbatch/geometry.h"

#define MAX_SIDE IB_GEOMETRY_MAX_SIDE

/* Display sizes at the edges of what a worker can see. */
static const int fixed_sizes[][2] = {
    {1, 1},     {0, 0},      {1, MAX_SIDE}, {MAX_SIDE, 1}, {MAX_SIDE, MAX_SIDE},
    {640, 480}, {3, 100000},
};

static void fail(const char *text, const char *why)
{
    fprintf(stderr, "fuzz_geometry: '%s': %s\n", text, why);
    abort();
}

static long long max_ll(long long a, long long b)
{
    return a > b ? a : b;
}

static void check_area(const char *text, const struct ib_geometry *g, int dw,
                       int dh, const struct ib_target *t)
{
    long long pixels = (long long)t->width * t->height;
    /* '<' leaves an image that already holds more than N pixels alone. */
    long long limit = g->area;
    if (g->only == IB_ONLY_ENLARGE)
        limit = max_ll(limit, max_ll(dw, 1) * max_ll(dh, 1));
    if (pixels > limit)
        fail(text, "resolved area exceeds the limit");
}

static void check_percent(const char *text, const struct ib_geometry *g, int dw,
                          int dh, const struct ib_target *t)
{
    dw = dw < 1 ? 1 : dw;
    dh = dh < 1 ? 1 : dh;
    if (g->only == IB_ONLY_SHRINK && (t->width > dw || t->height > dh))
        fail(text, "'>' enlarged the image");
    if (g->only == IB_ONLY_ENLARGE && (t->width < dw || t->height < dh))
        fail(text, "'<' shrank the image");
}

static void check_resolve(const char *text, const struct ib_geometry *g, int dw,
                          int dh, int crop)
{
    struct ib_target t;
    ib_geometry_resolve(g, dw, dh, crop, &t);
    if (t.width < 1 || t.width > MAX_SIDE || t.height < 1 ||
        t.height > MAX_SIDE)
        fail(text, "resolved side out of range");
    if (t.size < IB_SIZE_BOTH || t.size > IB_SIZE_FORCE)
        fail(text, "resolved size mode out of range");
    if (t.crop && !crop)
        fail(text, "crop without being asked");
    if (g->kind == IB_GEOM_AREA)
        check_area(text, g, dw, dh, &t);
    if (g->kind == IB_GEOM_PERCENT)
        check_percent(text, g, dw, dh, &t);
}

static int same_geometry(const struct ib_geometry *a,
                         const struct ib_geometry *b)
{
    if (a->kind != b->kind || a->flag != b->flag || a->only != b->only)
        return 0;
    switch (a->kind) {
    case IB_GEOM_BOX: return a->width == b->width && a->height == b->height;
    case IB_GEOM_PERCENT: return a->pct_w == b->pct_w && a->pct_h == b->pct_h;
    case IB_GEOM_AREA: return a->area == b->area;
    }
    return 0;
}

static void check_round_trip(const char *text, const struct ib_geometry *g)
{
    /* The size lib/parent/state.c formats into. */
    char first[64], second[64], err[128];
    struct ib_geometry again;
    ib_geometry_format(g, first, sizeof(first));
    if (ib_geometry_parse(first, &again, err, sizeof(err)) != 0) {
        fprintf(stderr, "fuzz_geometry: canonical form '%s': %s\n", first, err);
        fail(text, "its canonical form does not parse");
    }
    ib_geometry_format(&again, second, sizeof(second));
    if (strcmp(first, second) != 0)
        fail(text, "canonical form does not round-trip");
    /* lib/parent/state.c keys -u on this text: it must keep every value. */
    if (!same_geometry(&again, g))
        fail(text, "canonical form parses to a different geometry");
}

/* Reads a display size from the bytes after the text: any value a libvips
 * image can have, and 0 (which resolve must clamp). */
static int size_at(const uint8_t *p)
{
    unsigned v = (unsigned)p[0] | (unsigned)p[1] << 8 | (unsigned)p[2] << 16 |
                 (unsigned)p[3] << 24;
    return (int)(v % (MAX_SIDE + 1u));
}

static void resolve_all(const char *text, const struct ib_geometry *g,
                        const uint8_t *extra, size_t extra_len)
{
    size_t nfixed = sizeof(fixed_sizes) / sizeof(fixed_sizes[0]);
    for (int crop = 0; crop <= 1; crop++) {
        for (size_t i = 0; i < nfixed; i++)
            check_resolve(text, g, fixed_sizes[i][0], fixed_sizes[i][1], crop);
        for (size_t i = 0; i + 8 <= extra_len && i < 64; i += 8)
            check_resolve(text, g, size_at(extra + i), size_at(extra + i + 4),
                          crop);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, '\0', size);
    size_t text_len = nul ? (size_t)(nul - data) : size;
    /* Exactly the text and its NUL, so ASan catches a read past the end. */
    char *text = malloc(text_len + 1);
    if (!text)
        return 0;
    memcpy(text, data, text_len);
    text[text_len] = '\0';

    struct ib_geometry g;
    char err[128] = "";
    if (ib_geometry_parse(text, &g, err, sizeof(err)) != 0) {
        if (!err[0])
            fail(text, "rejected without a reason");
    } else {
        size_t extra = nul ? size - text_len - 1 : 0;
        resolve_all(text, &g, nul ? nul + 1 : NULL, extra);
        check_round_trip(text, &g);
    }
    free(text);
    return 0;
}
