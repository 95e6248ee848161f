/* SPDX-License-Identifier: MIT */
/* The horizontal reduce (resample/reduceh.h) against libvips' own
 * vips_reduceh with vips_resize's settings (Lanczos 3, gap 2): the same
 * width and the same bytes (max-diff 0) for 1 to 4 bands, widths from 1
 * to 3,001 pixels, the factors the direct JPEG path meets and a seeded
 * spread of others, on noise (every sample value, steep edges that drive
 * the sums past 255 and under 0) and on a smooth ramp. And what the plan
 * declines: factors of 1 or under, 4 or more (libvips boxes first), more
 * than 4 bands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

#include "check.h"
#include "resample/reduceh.h"

/* A deterministic generator (a 64-bit LCG), so a failure replays. */
static unsigned long long seed = 0x2545F4914F6CDD1DULL;
static unsigned next_random(void)
{
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
    return (unsigned)(seed >> 33);
}

/* w x h x bands bytes: noise with runs of 0 and 255, or a ramp. */
static unsigned char *picture(int w, int h, int bands, int smooth)
{
    size_t n = (size_t)w * (size_t)h * (size_t)bands;
    unsigned char *p = malloc(n);
    for (size_t i = 0; i < n; i++) {
        unsigned r = next_random();
        if (smooth)
            p[i] = (unsigned char)((i / (size_t)bands) * 255 / (size_t)w);
        else
            p[i] = (unsigned char)(r % 8 == 0 ? 0 : r % 8 == 1 ? 255 : r >> 8);
    }
    return p;
}

/* libvips' reduce of the same bytes; NULL (and a message) if it fails. */
static VipsImage *libvips_reduceh(const unsigned char *px, int w, int h,
                                  int bands, double hshrink)
{
    VipsImage *in = vips_image_new_from_memory(px, (size_t)w * h * bands, w, h,
                                               bands, VIPS_FORMAT_UCHAR);
    VipsImage *out = NULL;
    if (!in || vips_reduceh(in, &out, hshrink, "kernel", VIPS_KERNEL_LANCZOS3,
                            "gap", 2.0, NULL) != 0) {
        fprintf(stderr, "vips_reduceh: %s\n", vips_error_buffer());
        vips_error_clear();
    }
    if (in)
        g_object_unref(in);
    return out;
}

static void check_same(int w, int bands, double hshrink, int smooth)
{
    const int h = 3;
    unsigned char *px = picture(w, h, bands, smooth);
    VipsImage *want = libvips_reduceh(px, w, h, bands, hshrink);
    struct ib_reduceh r;
    CHECK(want != NULL);
    if (want && ib_reduceh_init(&r, w, bands, hshrink) != 0) {
        fprintf(stderr, "%d px, %d bands by %.17g: declined\n", w, bands,
                hshrink);
        CHECK(0);
    } else if (want) {
        size_t len = 0;
        unsigned char *expect = vips_image_write_to_memory(want, &len);
        unsigned char *got = malloc((size_t)r.out_width * h * bands + 1);
        CHECK_INT(r.out_width, want->Xsize);
        int diff = r.out_width != want->Xsize;
        for (int y = 0; y < h && !diff; y++)
            ib_reduceh_row(&r, px + (size_t)y * w * bands,
                           got + (size_t)y * r.out_width * bands);
        for (size_t i = 0; i < len && !diff; i++)
            diff = abs(got[i] - expect[i]);
        if (diff)
            fprintf(stderr, "%d px, %d bands by %.17g (%s): differ by %d\n", w,
                    bands, hshrink, smooth ? "ramp" : "noise", diff);
        CHECK(diff == 0);
        free(got);
        g_free(expect);
        ib_reduceh_free(&r);
    }
    if (want)
        g_object_unref(want);
    free(px);
}

/* What the plan leaves to libvips' box shrink and reduce: vips_reduceh
 * boxes first when the input is 4 or more times the output's width. */
static int takes(int w, double factor)
{
    int width = (int)(w / factor + 0.5);
    return width >= 1 && width * 4 > w;
}

static void check_declined(int w, int bands, double hshrink)
{
    struct ib_reduceh r;
    CHECK(ib_reduceh_init(&r, w, bands, hshrink) != 0);
    CHECK(r.masks == NULL && r.row == NULL);
}

int main(int argc, char **argv)
{
    (void)argc;
    if (VIPS_INIT(argv[0]))
        return 2;
    /* What the direct JPEG path gives vips_resize on the bench's photos
     * (5120 -> 800 after a 1/2 decode: 3.2; 2560 -> 800: 3.2; 1920 ->
     * 800: 2.4), as vips_resize passes them on (1 / (1 / f)). */
    static const double factors[] = {
        3.2, 2.4, 1.5, 2.0, 3.0, 3.999, 1.0001, 2.56, 3.84, 1.066666666666667};
    static const int widths[] = {1, 2, 7, 33, 640, 1001, 2560, 3001};
    for (size_t f = 0; f < sizeof(factors) / sizeof(*factors); f++)
        for (size_t w = 0; w < sizeof(widths) / sizeof(*widths); w++)
            for (int bands = 1; bands <= 4; bands++) {
                double factor = 1.0 / (1.0 / factors[f]);
                if (takes(widths[w], factor))
                    check_same(widths[w], bands, factor, (int)(w % 2));
            }
    /* A seeded spread: any width, any factor the plan takes. */
    for (int i = 0; i < 300; i++) {
        int w = 4 + (int)(next_random() % 2997);
        double factor = 1.0 + (next_random() % 2999000) / 1000000.0;
        int bands = 1 + (int)(next_random() % 4);
        if (takes(w, factor))
            check_same(w, bands, factor, i % 5 == 0);
    }
    check_declined(640, 3, 1.0);
    check_declined(640, 3, 0.5);
    check_declined(640, 3, 4.0);
    check_declined(640, 3, 6.4);
    check_declined(640, 5, 2.0);
    check_declined(0, 3, 2.0);
    vips_shutdown();
    CHECK_DONE();
}
