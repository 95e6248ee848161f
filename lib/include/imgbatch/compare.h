/* Perceptual comparison of two images by decoded pixels, with a stated
 * tolerance: what golden-image tests need (bytes differ across CPUs and
 * encoder versions; pixels barely do). Uses libvips: call it in a worker or
 * in a process that has no pool (imgbatch compare). */
#ifndef IMGBATCH_COMPARE_H
#define IMGBATCH_COMPARE_H

#include <stddef.h>

struct ib_tolerance {
    int max_diff;        /* largest allowed difference of one channel */
    double min_psnr;     /* dB over all channels; smaller fails */
    int fuzz;            /* a pixel "differs" when a channel differs more */
    double max_fraction; /* of pixels that differ, 0..1 */
};

struct ib_comparison {
    int expected_w, expected_h;
    int actual_w, actual_h;
    int same_size;
    int max_diff;     /* 0..255 (8-bit sRGB) */
    int max_x, max_y; /* where the largest difference is */
    double psnr;      /* dB; IB_PSNR_IDENTICAL when identical */
    double fraction;  /* of pixels differing by more than fuzz */
    int pass;
    const char *failed_on; /* "size", "max-diff", "psnr", "fraction" */
};

#define IB_PSNR_IDENTICAL 999.0

void ib_tolerance_defaults(struct ib_tolerance *t);

/* Compares two files. Returns 0 when both decoded (c says whether they
 * match), -1 with a reason in err when either could not be read. */
int ib_compare_files(const char *expected, const char *actual,
                     const struct ib_tolerance *t, struct ib_comparison *c,
                     char *err, size_t err_len);

/* The figures, as one line: "max-diff 11 at 9,31; psnr 44.4 dB; 0.00% of
 * pixels differ by > 16", or the two sizes when they differ. */
void ib_comparison_describe(const struct ib_comparison *c,
                            const struct ib_tolerance *t, char *buf,
                            size_t len);

/* For a mismatch: writes diff_path (changed pixels in red over a faded
 * expected image; only when the sizes match) and sbs_path (expected,
 * actual and diff side by side), both PNG. 0, or -1 with a reason. */
int ib_compare_write_pictures(const char *expected, const char *actual,
                              const struct ib_tolerance *t,
                              const char *diff_path, const char *sbs_path,
                              char *err, size_t err_len);

#endif
