/* SPDX-License-Identifier: MIT */
/* libvips 8.14's horizontal reduce, four channels a step (reduceh.h).
 * Each step below names what it follows in libvips' resample/reduceh.cpp
 * and templates.h; the arithmetic is theirs, in the same order, so that
 * the doubles come out the same to the last bit. */
#include "reduceh.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* VIPS_TRANSFORM_SCALE: sub-pixel phases a mask is computed for. */
#define PHASES 64
/* VIPS_INTERPOLATE_SHIFT, _SCALE: the integer mask's fixed point. */
#define MASK_SHIFT 12
#define MASK_ONE (1 << MASK_SHIFT)
/* presample.h's MAX_POINT. */
#define MAX_POINT 2000
#define LANCZOS_A 3
/* VIPS_PI. */
#define PI 3.14159265358979323846
/* A float holds every integer below this exactly. */
#define FLOAT_EXACT 16777216.0

/* vips_reduce_get_points for LANCZOS3. */
static int lanczos3_points(double shrink)
{
    return (int)(2 * rint(LANCZOS_A * shrink) + 1);
}

/* templates.h's calculate_coefficients_lanczos(c, 3, shrink, x). */
static void lanczos3_mask(double *c, double shrink, double x)
{
    const int n_points = lanczos3_points(shrink);
    const double half = x + n_points / 2.0 - 1;
    double sum = 0;
    for (int i = 0; i < n_points; i++) {
        const double xp = (i - half) / shrink;
        double l;
        if (xp == 0.0)
            l = 1.0;
        else if (xp < -LANCZOS_A || xp > LANCZOS_A)
            l = 0.0;
        else
            l = (double)LANCZOS_A * sin(PI * xp) *
                sin(PI * xp / (double)LANCZOS_A) / (PI * PI * xp * xp);
        c[i] = l;
        sum += l;
    }
    for (int i = 0; i < n_points; i++)
        c[i] /= sum;
}

/* vips_reduceh_build's integer masks (matrixi), one per phase, as floats,
 * each coefficient four times over (one per channel: a vector multiply
 * then needs no shuffle to spread it). -1 if a sum of products could
 * leave the floats' exact range. */
static int make_masks(struct ib_reduceh *r, double hshrink)
{
    double c[MAX_POINT];
    for (int phase = 0; phase <= PHASES; phase++) {
        ib_float4 *mask = r->masks + (size_t)phase * (size_t)r->n_point;
        double magnitude = 0;
        lanczos3_mask(c, hshrink, (double)((float)phase / PHASES));
        for (int i = 0; i < r->n_point; i++) {
            int coefficient = (int)(c[i] * MASK_ONE);
            mask[i] = (ib_float4){0} + (float)coefficient;
            magnitude += abs(coefficient);
        }
        if (magnitude * 255 >= FLOAT_EXACT)
            return -1;
    }
    return 0;
}

/* vips_reduceh_gen's walk along a row: output pixel x starts at input
 * position X (in the extended row), stepped by hshrink from its first
 * value; the whole part picks the first tap, the fraction (to 1/128,
 * rounded to 1/64) the mask. -1 if a pixel's taps would leave the
 * extended row. */
static int plan_taps(struct ib_reduceh *r, double hshrink, double hoffset)
{
    const int extended = r->in_width + r->n_point;
    double X = 0.5 * hshrink - 0.5 - hoffset;
    for (int x = 0; x < r->out_width; x++) {
        const int ix = (int)X;
        const int sx = (int)(X * PHASES * 2);
        const int phase = ((sx & (PHASES * 2 - 1)) + 1) >> 1;
        if (ix < 0 || ix + r->n_point > extended)
            return -1;
        r->first[x] = ix;
        r->tap[x] = r->masks + (size_t)phase * (size_t)r->n_point;
        X += hshrink;
    }
    return 0;
}

int ib_reduceh_init(struct ib_reduceh *r, int in_width, int bands,
                    double hshrink)
{
    memset(r, 0, sizeof(*r));
    if (in_width < 1 || bands < 1 || bands > 4 || !(hshrink > 1.0))
        return -1;
    /* vips_reduceh_build: the output width rounds to nearest; a gap of 2
     * takes a box shrink first when the input is 4 or more times as
     * wide, which this plan leaves to libvips. */
    const int width = (int)((double)in_width / hshrink + 0.5);
    if (width < 1 || floor((double)in_width / width / 2.0) > 1)
        return -1;
    const double extra_pixels = width * hshrink - in_width;
    r->n_point = lanczos3_points(hshrink);
    if (r->n_point > MAX_POINT)
        return -1;
    r->in_width = in_width;
    r->out_width = width;
    r->bands = bands;
    const size_t extended = (size_t)in_width + (size_t)r->n_point;
    r->masks = malloc(sizeof(ib_float4) * (PHASES + 1) * (size_t)r->n_point);
    r->first = malloc(sizeof(int) * (size_t)width);
    r->tap = malloc(sizeof(ib_float4 *) * (size_t)width);
    r->row = calloc(extended, sizeof(ib_float4));
    /* A pixel's four floats are read whole: three floats of padding. */
    r->flat = calloc((size_t)in_width * (size_t)bands + 3, sizeof(float));
    if (!r->masks || !r->first || !r->tap || !r->row || !r->flat ||
        make_masks(r, hshrink) != 0 ||
        plan_taps(r, hshrink, (1 + extra_pixels) / 2.0 - 1) != 0) {
        ib_reduceh_free(r);
        return -1;
    }
    return 0;
}

/* The row as vips_embed(..., VIPS_EXTEND_COPY) extends it for the reduce:
 * ceil(n / 2) - 1 copies of the first pixel on the left, the last pixel
 * repeated on the right. The bytes become floats in one loop the
 * compiler vectorises, then each pixel's four floats are copied whole:
 * with fewer than four bands the lanes past them hold the next pixel's
 * values (or the padding's zeros), which are summed like the others and
 * never written out. */
static void extend_row(struct ib_reduceh *r, const unsigned char *in)
{
    const int left = (int)ceil(r->n_point / 2.0) - 1;
    const int w = r->in_width, extended = w + r->n_point;
    const size_t bands = (size_t)r->bands, samples = (size_t)w * bands;
    float *flat = r->flat;
    for (size_t i = 0; i < samples; i++)
        flat[i] = in[i];
    ib_float4 *f = r->row;
    for (int x = 0; x < w; x++)
        memcpy(&f[left + x], flat + (size_t)x * bands, sizeof(ib_float4));
    for (int e = 0; e < left; e++)
        f[e] = f[left];
    for (int e = left + w; e < extended; e++)
        f[e] = f[left + w - 1];
}

/* templates.h's unsigned_fixed_round, then the clip to 8 bits, for the
 * four channels at once. The sums are exact integers (see reduceh.h);
 * the clip comes before the shift, so no negative value is shifted. */
static ib_int4 fixed_to_8bit(ib_float4 sum)
{
    ib_int4 v = __builtin_convertvector(sum, ib_int4) + (MASK_ONE >> 1);
    v &= v > 0;
    v = v >> MASK_SHIFT;
    const ib_int4 over = v > 255;
    return (v & ~over) | (255 & over);
}

/* One output pixel: its taps in four running sums, so that the adds do
 * not wait on each other (any order gives the same exact integers). */
static ib_float4 reduce_pixel(const ib_float4 *c, const ib_float4 *p, int n)
{
    ib_float4 s0 = {0}, s1 = {0}, s2 = {0}, s3 = {0};
    int i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += c[i] * p[i];
        s1 += c[i + 1] * p[i + 1];
        s2 += c[i + 2] * p[i + 2];
        s3 += c[i + 3] * p[i + 3];
    }
    for (; i < n; i++)
        s0 += c[i] * p[i];
    return (s0 + s1) + (s2 + s3);
}

void ib_reduceh_row(struct ib_reduceh *r, const unsigned char *in,
                    unsigned char *out)
{
    extend_row(r, in);
    for (int x = 0; x < r->out_width; x++) {
        const ib_int4 v = fixed_to_8bit(
            reduce_pixel(r->tap[x], r->row + r->first[x], r->n_point));
        for (int b = 0; b < r->bands; b++)
            *out++ = (unsigned char)v[b];
    }
}

void ib_reduceh_free(struct ib_reduceh *r)
{
    free(r->masks);
    free(r->first);
    free(r->tap);
    free(r->row);
    free(r->flat);
    memset(r, 0, sizeof(*r));
}
