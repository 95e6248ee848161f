/* SPDX-License-Identifier: MIT */
/* PNG row filtering for the direct PNG writer (pngsave.h): each row is
 * filtered five ways (none, sub, up, average, Paeth) and the way whose
 * bytes, read as signed, sum to the least magnitude is kept: libpng's and
 * Pillow's heuristic. libpng does this too, but only on the way into its
 * own zlib stream; the writer compresses the whole filtered image at once
 * with libdeflate, so it filters the rows itself. Pure C, no libvips. */
#ifndef IMGBATCH_PNGFILTER_H
#define IMGBATCH_PNGFILTER_H

#include <stddef.h>

enum { IB_PNG_FILTERS = 5 };

/* Filters row (len bytes, bpp bytes a pixel) against prev (the row above,
 * unfiltered; NULL for the first row) into out: the filter type byte,
 * then len filtered bytes. scratch holds IB_PNG_FILTERS * len bytes.
 * Returns the type chosen. */
int ib_png_filter_row(const unsigned char *row, const unsigned char *prev,
                      size_t len, size_t bpp, unsigned char *scratch,
                      unsigned char *out);

#endif
