/* SPDX-License-Identifier: MIT */
/* The target-size grammar users know from ImageMagick, parsed once in the
 * parent and resolved per image in a worker (percent, area and fill need the
 * image's own size). Pure C: no libvips, so it is unit-tested and fuzzed. */
#ifndef IMGBATCH_GEOMETRY_H
#define IMGBATCH_GEOMETRY_H

#include <stddef.h>

/* libvips' own upper bound for thumbnail width and height. */
#define IB_GEOMETRY_MAX_SIDE 10000000

enum ib_geom_kind {
    IB_GEOM_BOX,     /* W, Wx, xH, WxH: sides in pixels (0 = free) */
    IB_GEOM_PERCENT, /* N% or W%xH% */
    IB_GEOM_AREA,    /* N@: at most N pixels in all */
};

/* The flag a box geometry may carry, ImageMagick's. */
enum ib_geom_flag {
    IB_GEOM_PLAIN, /* default: fit inside the box, keep the aspect ratio */
    IB_GEOM_EXACT, /* '!': exactly WxH, aspect ratio ignored */
    IB_GEOM_COVER, /* '^': cover the box, keep the aspect ratio */
};

enum ib_geom_only {
    IB_ONLY_ANY,     /* shrink or enlarge as needed */
    IB_ONLY_SHRINK,  /* '>': leave images that already fit alone */
    IB_ONLY_ENLARGE, /* '<': leave images that are already larger alone */
};

struct ib_geometry {
    enum ib_geom_kind kind;
    enum ib_geom_flag flag;
    enum ib_geom_only only;
    int width;      /* IB_GEOM_BOX; 0 when not given */
    int height;     /* IB_GEOM_BOX; 0 when not given */
    double pct_w;   /* IB_GEOM_PERCENT */
    double pct_h;   /* IB_GEOM_PERCENT */
    long long area; /* IB_GEOM_AREA */
};

/* How a worker asks libvips' thumbnail operation for the size: mirrors
 * VipsSize without including libvips here. */
enum ib_size_mode { IB_SIZE_BOTH, IB_SIZE_UP, IB_SIZE_DOWN, IB_SIZE_FORCE };

struct ib_target {
    int width;  /* 1 .. IB_GEOMETRY_MAX_SIDE */
    int height; /* 1 .. IB_GEOMETRY_MAX_SIDE */
    enum ib_size_mode size;
    int crop; /* fill the box, then crop the overflow */
};

/* Parses GEOMETRY; on error returns -1 and writes a reason (no file name, no
 * newline) into err. */
int ib_geometry_parse(const char *text, struct ib_geometry *g, char *err,
                      size_t err_len);

/* Turns a parsed geometry into thumbnail arguments for an image that shows
 * as display_w x display_h (after orientation). With crop set, a WxH box is
 * filled and cropped whatever its fit flag. */
void ib_geometry_resolve(const struct ib_geometry *g, int display_w,
                         int display_h, int crop, struct ib_target *t);

/* libvips' thumbnail's calculate_shrink: how much to shrink each axis of
 * a WxH image (as stored) so that, turned upright (swap: a quarter turn),
 * it meets t. Above 1 shrinks, below 1 enlarges. */
void ib_target_shrink(const struct ib_target *t, int width, int height,
                      int swap, double *hshrink, double *vshrink);

/* libvips' thumbnail's JPEG shrink-on-load factor (1, 2, 4 or 8) for a
 * WxH image shrunk by the smaller of hshrink and vshrink: a bit above the
 * target, leaving at least a factor of two to the resize. */
int ib_jpeg_shrink_factor(double hshrink, double vshrink);

/* Writes the canonical form of g (for reports and the update record). */
void ib_geometry_format(const struct ib_geometry *g, char *buf, size_t len);

#endif
