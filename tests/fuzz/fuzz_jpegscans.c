/* SPDX-License-Identifier: MIT */
/* Fuzzes the scan filter (lib/vips/jpeg/jpegscans.c): it walks the marker
 * structure of any JPEG a worker is given, before libjpeg has looked at the
 * scans.
 *
 * Input: the first byte says which of components 1, 2 and 3 keep their AC
 * scans (bits 0, 1 and 2); the rest is the JPEG. Seeds: small progressive
 * (4:2:0, 4:4:4) and baseline JPEGs made with `vips copy
 * testdata/samples/photo.jpg` at 64x48 (`[interlace]` for the progressive
 * ones), behind the byte 0x06 (chroma keeps its AC scans) or 0x00.
 *
 * Invariants, each an abort():
 *   - a kept stream is no longer than the input, starts with SOI and ends
 *     with EOI;
 *   - filtering a kept stream again leaves nothing more out and changes
 *     nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "jpeg/jpegscans.h"

static void fail(const char *why)
{
    fprintf(stderr, "fuzz_jpegscans: %s\n", why);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    struct ib_scan_filter f = {3, {1, 2, 3}, {0, 0, 0}};
    for (int c = 0; c < 3; c++)
        f.needs_ac[c] = (data[0] >> c) & 1;
    const unsigned char *jpeg = data + 1;
    size_t len = size - 1;
    unsigned char *kept = NULL;
    size_t kept_len = 0;
    int n = ib_jpeg_drop_scans(jpeg, len, &f, &kept, &kept_len);
    if (n < 0)
        return 0;
    if (kept_len > len || kept_len < 4)
        fail("kept stream longer than the input, or shorter than SOI+EOI");
    if (kept[0] != 0xFF || kept[1] != 0xD8 || kept[kept_len - 2] != 0xFF ||
        kept[kept_len - 1] != 0xD9)
        fail("kept stream not SOI ... EOI");
    unsigned char *again = NULL;
    size_t again_len = 0;
    if (ib_jpeg_drop_scans(kept, kept_len, &f, &again, &again_len) != 0)
        fail("a kept stream had more to leave out, or was refused");
    if (again_len != kept_len || memcmp(again, kept, kept_len) != 0)
        fail("filtering a kept stream changed it");
    free(again);
    free(kept);
    return 0;
}
