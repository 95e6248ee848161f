/* SPDX-License-Identifier: MIT */
/* Fuzzes the direct PNG path's decoder (lib/vips/png/pngbox.c): libpng a
 * row at a time under imgbatch's error handling, and the box that shrinks
 * the rows as they come.
 *
 * Input: the first byte gives the factors across (low nibble) and down
 * (high nibble), each 1 to 16; the rest is the PNG. Seeds: 40x30 PNGs of
 * testdata/samples/photo.jpg made with vips (RGB, grey, palette, RGBA,
 * 2-bit grey, and an interlaced one the path declines), behind 0x33 or
 * 0x52.
 *
 * Invariants, each an abort(): a decoded image is 8-bit, of 1 to 4 bands,
 * exactly ceil(W/kh) x ceil(H/kv) for the W x H libvips' loader reads from
 * the same bytes, and each of its pixels can be read. */
#include "fuzz.h"
#include "fuzzvips.h"
#include "png/pngbox.h"

static void fail(const char *why)
{
    fuzz_fail("fuzz_pngbox", why);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    fuzz_start_vips("fuzz_pngbox", (*argv)[0]);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    int kh = (data[0] & 15) + 1, kv = (data[0] >> 4) + 1;
    VipsImage *img = ib_png_box_load_buffer(data + 1, size - 1, kh, kv);
    if (!img)
        return 0;
    if (img->BandFmt != VIPS_FORMAT_UCHAR || img->Bands < 1 || img->Bands > 4)
        fail("not 8-bit, 1 to 4 bands");
    VipsImage *ref = vips_image_new_from_buffer(data + 1, size - 1, "", NULL);
    if (ref && (img->Xsize != (ref->Xsize + kh - 1) / kh ||
                img->Ysize != (ref->Ysize + kv - 1) / kv))
        fail("not the size of the file shrunk");
    double avg;
    if (vips_avg(img, &avg, NULL) != 0 || avg < 0 || avg > 255)
        fail("pixels cannot be read");
    if (ref)
        g_object_unref(ref);
    g_object_unref(img);
    vips_error_clear();
    return 0;
}
