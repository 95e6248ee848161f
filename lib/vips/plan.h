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
    int format;         /* the input's own, for IB_FMT_FROM_LOADER */
    const char *input_profile;
    const char *output_profile;
    char options[64]; /* loader options */
    int orientation;  /* EXIF, 1 when --no-rotate */
    int swap;         /* the orientation turns it a quarter */
    int tagged;       /* has an embedded ICC profile */
    int grey_profile; /* a grey one (a grey image's other profiles are
                         not its pixels') */
    int bands;
    /* What the decoder must hold at once, whatever the shrink, where the
     * header tells (a progressive JPEG's coefficients, a GIF's canvas, an
     * interlaced PNG): bytes; 0 when it does not. */
    long long decode_bytes;
};

/* Where the bytes come from: a source, which every streaming loader reads;
 * or, for a loader that reads only memory (ImageMagick's, which libvips
 * 8.14 has no streaming variant of, behind --allow-untrusted), the whole
 * file mapped as a blob. */
struct ib_input {
    VipsSource *src;
    VipsBlob *blob; /* NULL unless the memory path is needed */
};

/* Reads the header of in: the loader is found (which may map in's blob)
 * and checked against the policy. 0, or -1 with o failed. */
int ib_plan_read(const struct ib_settings *s, struct ib_vips *v,
                 struct ib_input *in, struct ib_plan *p, struct ib_outcome *o);

/* Plans the load: every frame of an animation when animate (an output
 * can hold them), else the primary image, or --page. Then checks
 * --max-pixels. 0, or -1 with o failed. */
int ib_plan_pages(const struct ib_settings *s, struct ib_vips *v,
                  struct ib_input *in, int animate, struct ib_plan *p,
                  struct ib_outcome *o);

/* Whether any of the formats can hold the frames of an animation that
 * the loader of a file (p->loader) reads as one. */
int ib_plan_animates(const struct ib_plan *p, const int *formats, int n);

/* The format an output of format written for this input is (the input's
 * own for IB_FMT_FROM_LOADER). */
int ib_plan_format(const struct ib_plan *p, int format);

/* What to ask of thumbnail for rendition r of this input (fit.h). */
void ib_plan_target(const struct ib_plan *p, const struct ib_rendition *r,
                    struct ib_target *t, VipsInteresting *crop);

/* Whether r would make an output larger than the input (either axis). */
int ib_plan_enlarges(const struct ib_plan *p, const struct ib_target *t);

/* --max-pixels against the plan's size (and frames), and --max-memory
 * against what its decoder must hold: a file either would fail in the
 * decoder fails now, before anything is allocated. 0, or -1 with o
 * failed. */
int ib_plan_check_limits(const struct ib_settings *s, const struct ib_plan *p,
                         struct ib_outcome *o);

/* The profile to write in: an embedded profile is imported and the output
 * written as sRGB unless told otherwise; grey stays grey. NULL: none. */
const char *ib_plan_output_profile(const struct ib_colour *c,
                                   const struct ib_plan *p);

/* Whether an ICC profile is a grey one. */
int ib_plan_is_grey_profile(const void *icc, size_t len);

/* Whether the export to sRGB of a grey input is to be made grey again
 * (ib_srgb_to_grey): grey stays one band, unless --output-profile asks
 * for a profile of its own. */
int ib_plan_regreys(const struct ib_colour *c, const struct ib_plan *p);

/* The default colour handling: no profile given or kept, no linear
 * light (a tagged image's colours are then made sRGB through its own
 * profile, ib_plan_output_profile). The direct paths do only this. */
int ib_colour_is_default(const struct ib_colour *c);

/* The settings in libvips' terms. */
VipsSize ib_vips_size(enum ib_size_mode m);
VipsIntent ib_vips_intent(enum ib_intent i);

#endif
