/* SPDX-License-Identifier: MIT */
/* A progressive JPEG without the scans a reduced-size decode never reads.
 *
 * At 1/8 scale libjpeg reconstructs a component whose scaled DCT size is 1
 * from the DC coefficient of each block alone (jpeg_idct_1x1): the AC
 * coefficients are entropy-decoded and then ignored. In a progressive
 * JPEG they come in scans of their own, most of the file and most of the
 * decode time. Leaving those scans out of the stream libjpeg sees gives
 * the same coefficients where they are used, so the same pixels, for a
 * fraction of the work. */
#ifndef IMGBATCH_JPEGSCANS_H
#define IMGBATCH_JPEGSCANS_H

#include <stddef.h>

/* Which components' AC scans to keep, by component id (as in SOF). */
struct ib_scan_filter {
    int ncomponents;
    int id[4];
    int needs_ac[4]; /* 0: its AC scans can go */
};

/* Copies the JPEG in data, SOI to EOI, into a malloc'd *out, leaving out
 * every AC scan (Ss > 0) of a component whose needs_ac is 0. Returns the
 * number of scans left out, or -1 when the stream is not plainly well
 * formed: no EOI (truncated), bytes between segments, or an AC scan
 * header that libjpeg would refuse. The caller then decodes the whole
 * stream, and libjpeg judges it as it would have. */
int ib_jpeg_drop_scans(const unsigned char *data, size_t len,
                       const struct ib_scan_filter *f, unsigned char **out,
                       size_t *out_len);

#endif
