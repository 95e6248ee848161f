/* SPDX-License-Identifier: MIT */
/* The size search (budget.h).
 *
 * Each encoding costs as much as the first, so the search is a secant
 * method in log(bytes) against quality, not a bisection: JPEG, WebP,
 * AVIF and JPEG XL sizes are close to exponential in quality over the
 * range people use. From one point (the -q encoding, too big) the first
 * guess assumes the size halves every SLOPE_GUESS qualities; from two it
 * interpolates. Each guess aims at the highest quality predicted to fit,
 * so a good guess is confirmed by one more encoding, one quality up. */
#include "budget.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* d log(bytes) / d quality before any pair is seen: ln 2 / 28, measured on
 * photos at 800 px between qualities 50 and 85 (JPEG; WebP is close). */
#define SLOPE_GUESS (0.693 / 28.0)

struct point {
    int q; /* 0: none yet */
    size_t len;
};

struct search {
    const struct ib_budget *b;
    struct point fits, big; /* the highest that fits, the lowest too big */
    struct point big2;      /* the too-big one before big, for its slope */
    int same_side;          /* guesses in a row that moved the same end */
};

static double log_len(size_t len)
{
    return log(len > 0 ? (double)len : 1.0);
}

static double slope_of(struct point a, struct point b)
{
    return (log_len(b.len) - log_len(a.len)) / (double)(b.q - a.q);
}

/* The quality predicted to come out at max_bytes, rounded down, strictly
 * inside the bracket: interpolated between its ends, extrapolated below
 * the lowest too big (from the slope of the two lowest, or the guess);
 * halfway when one end has moved three times in a row, as the Illinois
 * variant of regula falsi does, so a curve that bends converges too. */
static int next_guess(const struct search *s)
{
    double target = log_len((size_t)s->b->max_bytes);
    int lo = s->fits.q ? s->fits.q + 1 : s->b->min_quality;
    int hi = s->big.q - 1;
    double q, slope;
    if (s->fits.q && abs(s->same_side) >= 3) {
        q = (lo + hi + 1) / 2.0;
    } else if (s->fits.q) {
        slope = slope_of(s->fits, s->big);
        q = slope > 0 ? s->fits.q + (target - log_len(s->fits.len)) / slope
                      : (lo + hi) / 2.0;
    } else {
        slope = s->big2.q ? slope_of(s->big, s->big2) : 0;
        if (!(slope > 0))
            slope = SLOPE_GUESS;
        q = s->big.q - (log_len(s->big.len) - target) / slope;
    }
    int g = (int)floor(q);
    return g < lo ? lo : g > hi ? hi : g;
}

/* Notes an encoding at q: the end of the bracket it moves. */
static void note(struct search *s, int q, size_t len)
{
    int fits = (long long)len <= s->b->max_bytes;
    int moved_fits = s->same_side > 0;
    if (fits) {
        s->same_side = moved_fits ? s->same_side + 1 : 1;
        s->fits = (struct point){q, len};
    } else {
        s->same_side = moved_fits ? -1 : s->same_side - 1;
        s->big2 = s->big;
        s->big = (struct point){q, len};
    }
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
    struct search s = {b, {0, 0}, {0, 0}, {0, 0}, 0};
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
        note(&s, q, len);
        if (s.fits.q == q)
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
        q = next_guess(&s);
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
