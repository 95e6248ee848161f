/* SPDX-License-Identifier: MIT */
/* Planning one file from its header, before any pixel is decoded: which
 * loader (and whether the policy allows it), which pages, whether it is
 * within --max-pixels, the colour profiles, and the target size once the
 * image is upright. */
#ifndef IMGBATCH_VIPS_PLAN_H
#define IMGBATCH_VIPS_PLAN_H

#include <vips/vips.h>

#include "imgbatch/proto.h"
#include "imgbatch/settings.h"
#include "startup.h"

/* What the header says and what we will ask of the loader. */
struct ib_plan {
    const char *loader; /* class name: "VipsForeignLoadJpegSource", ... */
    int width, height;  /* of the first (or chosen) page */
    int pages;          /* in the file */
    int all_pages;      /* load every frame (an animation stays one) */
    int format;         /* output format, settled */
    const char *input_profile;
    const char *output_profile;
    char options[64]; /* loader options */
    struct ib_target target;
    int orientation; /* EXIF, 1 when --no-rotate */
    int tagged;      /* has an embedded ICC profile */
    int bands;
};

/* Where the bytes come from: a source, which every streaming loader reads;
 * or, for a loader that reads only memory (ImageMagick's, which libvips
 * 8.14 has no streaming variant of, behind --allow-untrusted), the whole
 * file mapped as a blob. */
struct ib_input {
    VipsSource *src;
    VipsBlob *blob; /* NULL unless the memory path is needed */
};

/* Reads the header of in (the loader is found here, and may map in's
 * blob) and plans the rest for output format (IB_FMT_FROM_LOADER: the
 * input's). 0, or -1 with o failed. */
int ib_plan_read(const struct ib_settings *s, struct ib_vips *v,
                 struct ib_input *in, int format, struct ib_plan *p,
                 struct ib_outcome *o);

/* --max-pixels against the plan's size (and frames). 0, or -1 with o
 * failed. */
int ib_plan_check_pixels(const struct ib_settings *s, const struct ib_plan *p,
                         struct ib_outcome *o);

/* The profile to write in: an embedded profile is imported and the output
 * written as sRGB unless told otherwise; grey stays grey. NULL: none. */
const char *ib_plan_output_profile(const struct ib_colour *c,
                                   const struct ib_plan *p);

/* Sets p->target for the image once upright (swap: the orientation turns
 * it a quarter). */
void ib_plan_resolve_target(const struct ib_settings *s, struct ib_plan *p,
                            int swap);

/* The settings in libvips' terms. */
VipsSize ib_vips_size(enum ib_size_mode m);
VipsInteresting ib_vips_interesting(enum ib_crop c);
VipsIntent ib_vips_intent(enum ib_intent i);

#endif
