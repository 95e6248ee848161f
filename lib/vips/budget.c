/* SPDX-License-Identifier: MIT */
/* The size search (budget.h).
 *
 * Each encoding costs as much as the first, so the search is a secant
 * method, not a bisection. Quality is not what sizes follow: libjpeg
 * turns it into a scale of its quantisation tables (5000/q below 50, 200
 * - 2q above), and log(bytes) is close to linear in log(scale) from 40 to
 * 89 (sizes of 11 bench photos at 1280 px; at 90 libvips' automatic
 * chroma subsampling turns off and the size jumps). So the search runs
 * on x = -log(scale(q)), for WebP, AVIF and JPEG XL too, whose
 * qualities map to their quantisers in a like way. From one point (the
 * -q encoding, too big) the first guess takes the slope measured there,
 * SLOPE_GUESS; from two it interpolates (or extrapolates). Each guess
 * aims at the highest quality predicted to fit, so a good guess is
 * confirmed by one more encoding, one quality up. */
#include "budget.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* d log(bytes) / dx before any pair is seen: the median of the 11
 * photos between qualities 55 and 85. */
#define SLOPE_GUESS 0.45

struct point {
    int q; /* 0: none yet */
    size_t len;
};

struct search {
    const struct ib_budget *b;
    struct point fits, big;   /* the highest that fits, the lowest too big */
    struct point fits2, big2; /* the ones before them, for a local slope */
};

static double log_len(size_t len)
{
    return log(len > 0 ? (double)len : 1.0);
}

/* libjpeg's table scale for a quality, in percent, as a coordinate. */
static double x_of(double q)
{
    double scale = q < 50 ? 5000.0 / q : 200.0 - 2.0 * q;
    return -log(scale > 1 ? scale : 1);
}

static double q_of(double x)
{
    double scale = exp(-x);
    return scale >= 100 ? 5000.0 / scale : (200.0 - scale) / 2.0;
}

static double slope_of(struct point a, struct point b)
{
    return (log_len(b.len) - log_len(a.len)) / (x_of(b.q) - x_of(a.q));
}

/* The slope near the end of the bracket last moved: from the two last
 * points on that side when there are two (sizes curve, and the chord
 * across a wide bracket misses), else the chord, else the guess. */
static double local_slope(const struct search *s, int fits_moved)
{
    double slope = 0;
    if (fits_moved && s->fits2.q)
        slope = slope_of(s->fits2, s->fits);
    else if (!fits_moved && s->big2.q)
        slope = slope_of(s->big, s->big2);
    if (!(slope > 0) && s->fits.q && s->big.q)
        slope = slope_of(s->fits, s->big);
    return slope > 0 ? slope : SLOPE_GUESS;
}

/* The quality predicted to come out at max_bytes, rounded down, strictly
 * inside the bracket, from the point last found and the slope near it. */
static int next_guess(const struct search *s, int fits_moved)
{
    double target = log_len((size_t)s->b->max_bytes);
    int lo = s->fits.q ? s->fits.q + 1 : s->b->min_quality;
    int hi = s->big.q - 1;
    struct point from = fits_moved ? s->fits : s->big;
    double slope = local_slope(s, fits_moved);
    double q = q_of(x_of(from.q) + (target - log_len(from.len)) / slope);
    int g = (int)floor(q);
    return g < lo ? lo : g > hi ? hi : g;
}

/* Notes an encoding at q; 1 when it fits. */
static int note(struct search *s, int q, size_t len)
{
    if ((long long)len <= s->b->max_bytes) {
        s->fits2 = s->fits;
        s->fits = (struct point){q, len};
        return 1;
    }
    s->big2 = s->big;
    s->big = (struct point){q, len};
    return 0;
}

static void keep_best(struct ib_budget_result *res, int q, unsigned char *bytes,
                      size_t len)
{
    free(res->bytes);
    res->bytes = bytes;
    res->len = len;
    res->quality = q;
}

enum ib_budget_end ib_budget_search(const struct ib_budget *b,
                                    ib_encode_at_fn encode, void *ctx,
                                    struct ib_budget_result *res)
{
    struct search s = {b, {0, 0}, {0, 0}, {0, 0}, {0, 0}};
    *res = (struct ib_budget_result){0, 0, NULL, 0};
    int q = b->max_quality;
    for (;;) {
        unsigned char *bytes = NULL;
        size_t len = 0;
        res->encodes++;
        if (encode(ctx, q, &bytes, &len) != 0) {
            free(bytes);
            keep_best(res, 0, NULL, 0);
            return IB_BUDGET_FAILED;
        }
        int fits = note(&s, q, len);
        if (fits)
            keep_best(res, q, bytes, len);
        else
            free(bytes);
        if (!s.big.q || (s.fits.q && s.big.q - s.fits.q <= 1))
            return IB_BUDGET_FITS;
        if (s.big.q <= b->min_quality) {
            res->quality = s.big.q;
            res->len = s.big.len;
            return IB_BUDGET_TOO_BIG;
        }
        q = next_guess(&s, fits);
    }
}

/* A budget as given (200 KiB, 1 MiB, or bytes), and a size in its unit,
 * rounded up so that a size over the budget never reads as equal to it. */
static const char *unit_of(long long max, long long *div)
{
    if (max % (1024 * 1024) == 0) {
        *div = 1024 * 1024;
        return "MiB";
    }
    if (max % 1024 == 0) {
        *div = 1024;
        return "KiB";
    }
    *div = 1;
    return "bytes";
}

/* "cannot fit in 200 KiB: 243 KiB", then what follows. */
static void put_reason(const struct ib_budget *b,
                       const struct ib_budget_result *res, const char *then,
                       char *buf, size_t len)
{
    long long div;
    const char *unit = unit_of(b->max_bytes, &div);
    long long size = ((long long)res->len + div - 1) / div;
    snprintf(buf, len, "cannot fit in %lld %s: %lld %s%s", b->max_bytes / div,
             unit, size, unit, then);
}

void ib_budget_reason(const struct ib_budget *b,
                      const struct ib_budget_result *res, char *buf, size_t len)
{
    char then[32];
    snprintf(then, sizeof(then), " at quality %d", res->quality);
    put_reason(b, res, then, buf, len);
}

void ib_budget_reason_lossless(const struct ib_budget *b,
                               const struct ib_budget_result *res,
                               const char *format, char *buf, size_t len)
{
    char then[64];
    snprintf(then, sizeof(then), " (%s has no quality to lower)", format);
    put_reason(b, res, then, buf, len);
}
