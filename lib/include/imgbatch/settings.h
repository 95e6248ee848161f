/* Everything a batch is asked to do, as the CLI parsed it. Workers inherit
 * it through fork(), so it never crosses the protocol. */
#ifndef IMGBATCH_SETTINGS_H
#define IMGBATCH_SETTINGS_H

#include "imgbatch/format.h"
#include "imgbatch/geometry.h"

enum ib_crop {
    IB_CROP_NONE,
    IB_CROP_CENTRE,
    IB_CROP_ATTENTION,
    IB_CROP_ENTROPY,
};

struct ib_settings {
    struct ib_geometry geometry;
    enum ib_crop crop;
    enum ib_format format; /* IB_FMT_KEEP: the input's */
    int quality;           /* 1..100, lossy formats */
    const char *prefix;
    const char *outdir; /* NULL: beside each input */
    int no_rotate;
    int jobs;
    double timeout_s;     /* per file; 0 = none */
    long long max_pixels; /* 0 = no limit */
};

void ib_settings_defaults(struct ib_settings *s);

#endif
