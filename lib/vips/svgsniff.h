/* SPDX-License-Identifier: MIT */
/* libvips' SVG loader's format check, without its loop.
 *
 * libvips looks for a loader by asking each in turn whether the bytes are
 * its format, blocked loaders included, so the SVG loader's check runs on
 * every file no loader before it claims (SVG off or on, whatever the
 * file's name). On gzip'd bytes it inflates the first kilobyte and looks
 * for "<svg"; in libvips 8.14 (svgload.c, vips_foreign_load_svg_is_a) the
 * inflate loop never ends when the gzip stream ends before the bytes do
 * with less than that kilobyte out (zlib answers Z_STREAM_END again and
 * again): a 185-byte file held a worker at 100% CPU until --timeout.
 *
 * So the check is made here first: where libvips' would loop, the
 * decision is ours (the inflated bytes, checked as libvips checks plain
 * SVG); elsewhere it is libvips' own, which then runs safely wherever
 * libvips calls it. */
#ifndef IMGBATCH_VIPS_SVGSNIFF_H
#define IMGBATCH_VIPS_SVGSNIFF_H

#include <stddef.h>
#include <vips/vips.h>

enum ib_svg_sniff {
    IB_SVG_NO,        /* not SVG: libvips' check says so, and ends */
    IB_SVG_YES,       /* SVG: libvips' check says so, and ends */
    IB_SVG_LOOPS,     /* libvips' check would never end; not SVG */
    IB_SVG_LOOPS_SVG, /* libvips' check would never end; SVG inside */
};

/* The bytes libvips' check is given: the first SVG_HEADER_SIZE of a
 * source, or a whole buffer. */
#define IB_SVG_SNIFF_SOURCE 1000

enum ib_svg_sniff ib_svg_sniff(const void *data, size_t len);

/* The same on a source's first bytes (the source is left rewound). */
enum ib_svg_sniff ib_svg_sniff_source(VipsSource *src);

#endif
