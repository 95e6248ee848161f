/* SPDX-License-Identifier: MIT */
/* The horizontal reduce of libvips 8.14's vips_resize (vips_reduceh, the
 * Lanczos 3 kernel, 8-bit pixels), computed four channels at a time.
 *
 * Why: libvips 8.14 vectorises its vertical reduce (orc) but not its
 * horizontal one, whose scalar loop, one band and one tap at a time, was
 * 12% of the direct JPEG path's CPU on the bench's photos at 800x800
 * (perf). Here each pixel is four floats, so one multiply-add takes a tap
 * for every band.
 *
 * Why the pixels are the same: libvips sums integer products (its mask,
 * each coefficient times 4096 and truncated, times the 8-bit value) and
 * rounds the sum. Those products and every partial sum are integers
 * below 2^24 (the plan checks the bound), which a float holds exactly, in
 * any order of addition. The mask, the phase of each output pixel and
 * the edge extension are computed as libvips computes them, step for
 * step. tests/unit/test_reduceh.c compares the two on many sizes and
 * factors; tests/cli/jpeg_path.sh compares whole outputs. Pure C: no
 * libvips. */
#ifndef IMGBATCH_REDUCEH_H
#define IMGBATCH_REDUCEH_H

/* Four floats that the compiler keeps in one vector register (a GNU C
 * extension that gcc and clang share): a pixel's channels, or the sums
 * of their products. */
typedef float ib_float4 __attribute__((vector_size(16)));
typedef int ib_int4 __attribute__((vector_size(16)));

struct ib_reduceh {
    int in_width, out_width, bands;
    int n_point;           /* taps a pixel */
    int *first;            /* per output pixel: its first tap's input pixel */
    const ib_float4 **tap; /* per output pixel: its n_point coefficients */
    ib_float4 *masks;      /* every phase's coefficients */
    ib_float4 *row;        /* one input row, extended */
    float *flat;           /* one input row as floats, band after band */
};

/* Plans vips_reduceh(in, hshrink, "kernel", LANCZOS3, "gap", 2.0) of 8-bit
 * rows in_width pixels wide with 1 to 4 bands. hshrink is the factor
 * vips_reduceh is given (vips_resize gives it 1 / (1 / its factor)).
 * -1 when the plan does not take it: a factor of 1 or under, one that
 * libvips splits into a box shrink and a reduce (the input four or more
 * times the output's width), more than 4 bands, or no memory; libvips'
 * own reduce is then the way. */
int ib_reduceh_init(struct ib_reduceh *r, int in_width, int bands,
                    double hshrink);

/* One row: in_width pixels in, out_width out, bands bytes a pixel. */
void ib_reduceh_row(struct ib_reduceh *r, const unsigned char *in,
                    unsigned char *out);

void ib_reduceh_free(struct ib_reduceh *r);

#endif
