/* SPDX-License-Identifier: MIT */
/* Fuzzes the HEIF path's decoder (lib/vips/heif/heifbase.c): libheif
 * parsing and decoding as planes, the planes wrapped as an image, and the
 * metadata of libvips' own header read of the same bytes copied onto it.
 *
 * Input: a HEIC or AVIF file. Seeds: testdata/samples/photo.jpg made
 * 40x30 and encoded with heif-enc (HEVC, AV1, one with an embedded
 * thumbnail, one with alpha, which the path declines).
 *
 * Invariants, each an abort(): a decoded image is 8-bit RGB of the size
 * libvips' loader reads from the same bytes, and each of its pixels can
 * be read. */
#include "fuzz.h"
#include "fuzzvips.h"
#include "heif/heifbase.h"

static void fail(const char *why)
{
    fuzz_fail("fuzz_heifbase", why);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    fuzz_start_vips("fuzz_heifbase", (*argv)[0]);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    VipsImage *img = ib_heif_base_buffer(data, size);
    if (!img)
        return 0;
    if (img->BandFmt != VIPS_FORMAT_UCHAR || img->Bands != 3)
        fail("not 8-bit RGB");
    VipsImage *ref = vips_image_new_from_buffer(data, size, "", NULL);
    if (!ref || img->Xsize != ref->Xsize || img->Ysize != ref->Ysize)
        fail("not the size libvips' loader reads");
    double avg;
    if (vips_avg(img, &avg, NULL) != 0 || avg < 0 || avg > 255)
        fail("pixels cannot be read");
    g_object_unref(ref);
    g_object_unref(img);
    vips_error_clear();
    return 0;
}
