/* SPDX-License-Identifier: MIT */
/* Geometry grammar (a subset of ImageMagick's, the parts batch users know):
 *
 *   W  Wx  xH  WxH     fit inside the box, keep the aspect ratio
 *   WxH!               exactly WxH
 *   WxH^               cover the box, keep the aspect ratio
 *   N%  W%xH%  WxH%    scale by a percentage (decimals allowed)
 *   N@                 scale to at most N pixels in area
 *   ...> / ...<        only shrink / only enlarge (any form)
 *
 * Flags come last, each at most once. Anything else is an error with a
 * reason, never a guess. */
#include "imgbatch/geometry.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_PERCENT 1000000.0
#define MAX_DECIMALS 6
#define MAX_AREA 100000000000000LL

struct cursor {
    const char *p;
    char *err;
    size_t err_len;
};

static int fail(struct cursor *c, const char *why)
{
    snprintf(c->err, c->err_len, "%s", why);
    return -1;
}

static int is_digit(char ch)
{
    return ch >= '0' && ch <= '9';
}

/* Reads an unsigned decimal number, with a fraction when allow_fraction.
 * Returns 0 when there is no number at the cursor, 1 when one was read, -1
 * on a malformed or out-of-range number. */
static int read_number(struct cursor *c, int allow_fraction, double *out)
{
    const char *start = c->p;
    while (is_digit(*c->p))
        c->p++;
    if (*c->p == '.' && allow_fraction) {
        c->p++;
        if (!is_digit(*c->p))
            return fail(c, "expected digits after '.'");
        const char *fraction = c->p;
        while (is_digit(*c->p))
            c->p++;
        /* The canonical form (ib_geometry_format) prints every digit, so
         * it parses back to the very same number and two different
         * percentages never share a -u fingerprint. */
        if (c->p - fraction > MAX_DECIMALS)
            return fail(c, "at most 6 decimals in a percentage");
    }
    if (c->p == start)
        return 0;
    if (c->p - start > 20)
        return fail(c, "number too long");
    char buf[32];
    memcpy(buf, start, (size_t)(c->p - start));
    buf[c->p - start] = '\0';
    errno = 0;
    *out = strtod(buf, NULL);
    if (errno != 0)
        return fail(c, "number out of range");
    return 1;
}

static int check_side(struct cursor *c, double v, const char *what)
{
    char why[96];
    if (v < 1) {
        snprintf(why, sizeof(why), "%s must be at least 1", what);
        return fail(c, why);
    }
    if (v > IB_GEOMETRY_MAX_SIDE) {
        snprintf(why, sizeof(why), "%s must be at most %d", what,
                 IB_GEOMETRY_MAX_SIDE);
        return fail(c, why);
    }
    return 0;
}

static int check_percent(struct cursor *c, double v)
{
    if (v <= 0)
        return fail(c, "a percentage must be more than 0");
    if (v > MAX_PERCENT)
        return fail(c, "percentage too large");
    return 0;
}

/* Parses the trailing flags: each of ! ^ < > at most once, no conflicts. */
static int parse_flags(struct cursor *c, struct ib_geometry *g)
{
    int seen_force = 0, seen_fill = 0, seen_shrink = 0, seen_enlarge = 0;
    for (; *c->p; c->p++) {
        int *seen;
        switch (*c->p) {
        case '!': seen = &seen_force; break;
        case '^': seen = &seen_fill; break;
        case '>': seen = &seen_shrink; break;
        case '<': seen = &seen_enlarge; break;
        default: {
            char why[64];
            snprintf(why, sizeof(why), "unexpected '%c'", *c->p);
            return fail(c, why);
        }
        }
        if (*seen)
            return fail(c, "a flag appears twice");
        *seen = 1;
    }
    if (seen_force && seen_fill)
        return fail(c, "'!' and '^' cannot be combined");
    if (seen_shrink && seen_enlarge)
        return fail(c, "'>' and '<' cannot be combined");
    g->flag = seen_force  ? IB_GEOM_EXACT
              : seen_fill ? IB_GEOM_COVER
                          : IB_GEOM_PLAIN;
    g->only = seen_shrink    ? IB_ONLY_SHRINK
              : seen_enlarge ? IB_ONLY_ENLARGE
                             : IB_ONLY_ANY;
    return 0;
}

static int parse_area(struct cursor *c, double n, struct ib_geometry *g)
{
    c->p++; /* '@' */
    if (n < 1)
        return fail(c, "an area must be at least 1 pixel");
    if (n > (double)MAX_AREA)
        return fail(c, "area too large");
    g->kind = IB_GEOM_AREA;
    g->area = (long long)n;
    return 0;
}

/* After "N%" or "N" with a later '%': W%xH%, WxH%, N%. */
static int parse_percent(struct cursor *c, double w, struct ib_geometry *g)
{
    double h = w;
    if (*c->p == '%')
        c->p++;
    if (*c->p == 'x') {
        c->p++;
        int got = read_number(c, 1, &h);
        if (got < 0)
            return -1;
        if (got == 0)
            return fail(c, "expected a height percentage after 'x'");
        if (*c->p != '%')
            return fail(c, "a percentage height needs '%'");
        c->p++;
    }
    if (check_percent(c, w) || check_percent(c, h))
        return -1;
    g->kind = IB_GEOM_PERCENT;
    g->pct_w = w;
    g->pct_h = h;
    return 0;
}

static int is_percent_form(const char *p)
{
    return strchr(p, '%') != NULL;
}

static int parse_box(struct cursor *c, struct ib_geometry *g)
{
    double w = 0, h = 0;
    int got_w = read_number(c, 0, &w);
    if (got_w < 0)
        return -1;
    int got_h = 0;
    if (*c->p == 'x' || *c->p == 'X') {
        c->p++;
        got_h = read_number(c, 0, &h);
        if (got_h < 0)
            return -1;
    } else if (!got_w) {
        return fail(c, "expected a size such as 100x100");
    }
    if (!got_w && !got_h)
        return fail(c, "expected a width or a height");
    if (got_w && check_side(c, w, "width"))
        return -1;
    if (got_h && check_side(c, h, "height"))
        return -1;
    g->kind = IB_GEOM_BOX;
    g->width = (int)w;
    g->height = (int)h;
    return 0;
}

int ib_geometry_parse(const char *text, struct ib_geometry *g, char *err,
                      size_t err_len)
{
    struct cursor c = {text, err, err_len};
    memset(g, 0, sizeof(*g));
    if (!*text)
        return fail(&c, "empty geometry");

    if (is_percent_form(text)) {
        double w;
        int got = read_number(&c, 1, &w);
        if (got < 0)
            return -1;
        if (got == 0)
            return fail(&c, "expected a percentage such as 50%");
        if (parse_percent(&c, w, g))
            return -1;
    } else if (is_digit(*text) && strchr(text, '@')) {
        double n;
        if (read_number(&c, 0, &n) < 0)
            return -1;
        if (*c.p != '@')
            return fail(&c, "expected '@' right after the area");
        if (parse_area(&c, n, g))
            return -1;
    } else if (parse_box(&c, g)) {
        return -1;
    }

    if (parse_flags(&c, g))
        return -1;
    if (g->flag != IB_GEOM_PLAIN &&
        (g->kind != IB_GEOM_BOX || !g->width || !g->height))
        return fail(&c, "'!' and '^' need both a width and a height");
    return 0;
}

static int clamp_side(double v)
{
    if (v < 1)
        return 1;
    if (v > IB_GEOMETRY_MAX_SIDE)
        return IB_GEOMETRY_MAX_SIDE;
    return (int)v;
}

static enum ib_size_mode size_for(enum ib_geom_only only)
{
    switch (only) {
    case IB_ONLY_SHRINK: return IB_SIZE_DOWN;
    case IB_ONLY_ENLARGE: return IB_SIZE_UP;
    default: return IB_SIZE_BOTH;
    }
}

/* Applies '>' or '<' to an explicit scale factor. */
static double limit_scale(double scale, enum ib_geom_only only)
{
    if (only == IB_ONLY_SHRINK && scale > 1)
        return 1;
    if (only == IB_ONLY_ENLARGE && scale < 1)
        return 1;
    return scale;
}

static void resolve_box(const struct ib_geometry *g, int dw, int dh, int crop,
                        struct ib_target *t)
{
    int w = g->width ? g->width : IB_GEOMETRY_MAX_SIDE;
    int h = g->height ? g->height : IB_GEOMETRY_MAX_SIDE;
    t->size = size_for(g->only);
    if (crop && g->width && g->height) {
        t->width = w;
        t->height = h;
        t->crop = 1;
        return;
    }
    if (g->flag == IB_GEOM_EXACT) {
        t->width = w;
        t->height = h;
        t->size = IB_SIZE_FORCE;
        return;
    }
    if (g->flag == IB_GEOM_COVER) {
        /* Covering the box is fitting the side that needs the smaller
         * shrink: bound that one, leave the other free. */
        int wider = (long long)dw * g->height >= (long long)dh * g->width;
        t->width = wider ? IB_GEOMETRY_MAX_SIDE : w;
        t->height = wider ? h : IB_GEOMETRY_MAX_SIDE;
        return;
    }
    t->width = w;
    t->height = h;
}

static void resolve_percent(const struct ib_geometry *g, int dw, int dh,
                            struct ib_target *t)
{
    double sw = limit_scale(g->pct_w / 100.0, g->only);
    double sh = limit_scale(g->pct_h / 100.0, g->only);
    t->width = clamp_side(floor(dw * sw + 0.5));
    t->height = clamp_side(floor(dh * sh + 0.5));
    t->size = IB_SIZE_FORCE;
}

static void resolve_area(const struct ib_geometry *g, int dw, int dh,
                         struct ib_target *t)
{
    double scale = sqrt((double)g->area / ((double)dw * (double)dh));
    scale = limit_scale(scale, g->only);
    /* Round down so the area stays within N; the epsilon keeps exact
     * results (10000@ of 300x300 is 100x100) from losing a pixel to
     * floating-point error. */
    int w = clamp_side(floor(dw * scale + 1e-9));
    int h = clamp_side(floor(dh * scale + 1e-9));
    /* A side that had to be raised to 1 pixel takes area from the other. */
    if ((long long)w * h > g->area && w == 1)
        h = clamp_side((double)(g->area / w));
    if ((long long)w * h > g->area && h == 1)
        w = clamp_side((double)(g->area / h));
    t->width = w;
    t->height = h;
    t->size = IB_SIZE_FORCE;
}

void ib_geometry_resolve(const struct ib_geometry *g, int display_w,
                         int display_h, int crop, struct ib_target *t)
{
    memset(t, 0, sizeof(*t));
    if (display_w < 1)
        display_w = 1;
    if (display_h < 1)
        display_h = 1;
    switch (g->kind) {
    case IB_GEOM_BOX: resolve_box(g, display_w, display_h, crop, t); break;
    case IB_GEOM_PERCENT: resolve_percent(g, display_w, display_h, t); break;
    case IB_GEOM_AREA: resolve_area(g, display_w, display_h, t); break;
    }
}

void ib_target_shrink(const struct ib_target *t, int width, int height,
                      int swap, double *hshrink, double *vshrink)
{
    int target_w = swap ? t->height : t->width;
    int target_h = swap ? t->width : t->height;
    *hshrink = (double)width / target_w;
    *vshrink = (double)height / target_h;
    /* Fit: the axis that needs the larger shrink wins; fill: the smaller. */
    int horizontal = t->crop ? *hshrink < *vshrink : !(*hshrink < *vshrink);
    if (t->size != IB_SIZE_FORCE) {
        if (horizontal)
            *vshrink = *hshrink;
        else
            *hshrink = *vshrink;
    }
    if (t->size == IB_SIZE_UP) {
        *hshrink = *hshrink < 1 ? *hshrink : 1;
        *vshrink = *vshrink < 1 ? *vshrink : 1;
    } else if (t->size == IB_SIZE_DOWN) {
        *hshrink = *hshrink > 1 ? *hshrink : 1;
        *vshrink = *vshrink > 1 ? *vshrink : 1;
    }
    /* Never shrink an axis to nothing. */
    *hshrink = *hshrink < width ? *hshrink : width;
    *vshrink = *vshrink < height ? *vshrink : height;
}

int ib_jpeg_shrink_factor(double hshrink, double vshrink)
{
    double shrink = hshrink < vshrink ? hshrink : vshrink;
    return shrink >= 16 ? 8 : shrink >= 8 ? 4 : shrink >= 4 ? 2 : 1;
}

static const char *flags_text(const struct ib_geometry *g)
{
    static const char *const table[3][3] = {
        {"", ">", "<"}, {"!", "!>", "!<"}, {"^", "^>", "^<"}};
    return table[g->flag][g->only];
}

/* Writes v in fixed notation with every decimal the grammar allows and no
 * trailing zeros: "%g" would switch to exponents (1e+06) the grammar
 * rejects, and round to 6 significant digits. */
static void format_decimal(double v, char *buf, size_t len)
{
    snprintf(buf, len, "%.*f", MAX_DECIMALS, v);
    char *end = buf + strlen(buf);
    while (end > buf && end[-1] == '0')
        *--end = '\0';
    if (end > buf && end[-1] == '.')
        *--end = '\0';
}

void ib_geometry_format(const struct ib_geometry *g, char *buf, size_t len)
{
    switch (g->kind) {
    case IB_GEOM_BOX: {
        char w[16] = "", h[16] = "";
        if (g->width)
            snprintf(w, sizeof(w), "%d", g->width);
        if (g->height)
            snprintf(h, sizeof(h), "%d", g->height);
        snprintf(buf, len, "%sx%s%s", w, h, flags_text(g));
        break;
    }
    case IB_GEOM_PERCENT: {
        char w[32], h[32];
        format_decimal(g->pct_w, w, sizeof(w));
        format_decimal(g->pct_h, h, sizeof(h));
        snprintf(buf, len, "%s%%x%s%%%s", w, h, flags_text(g));
        break;
    }
    case IB_GEOM_AREA:
        snprintf(buf, len, "%lld@%s", g->area, flags_text(g));
        break;
    }
}
