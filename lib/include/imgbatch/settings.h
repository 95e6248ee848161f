/* SPDX-License-Identifier: MIT */
/* Everything a batch is asked to do, as the CLI parsed it. Workers inherit
 * it through fork(), so it never crosses the protocol. */
#ifndef IMGBATCH_SETTINGS_H
#define IMGBATCH_SETTINGS_H

#include "imgbatch/tolerance.h"
#include "imgbatch/format.h"
#include "imgbatch/geometry.h"

/* --shard K/N: one of N disjoint parts of the input list (shard.h). */
struct ib_shard {
    unsigned index; /* K: 0 .. count-1 */
    unsigned count; /* N: 1 = no sharding */
};

enum ib_crop {
    IB_CROP_NONE,
    IB_CROP_CENTRE,
    IB_CROP_ATTENTION,
    IB_CROP_ENTROPY,
};

/* Mirrors VipsIntent without including libvips here. */
enum ib_intent {
    IB_INTENT_PERCEPTUAL,
    IB_INTENT_RELATIVE,
    IB_INTENT_SATURATION,
    IB_INTENT_ABSOLUTE,
};

enum ib_subsample { IB_SUBSAMPLE_AUTO, IB_SUBSAMPLE_ON, IB_SUBSAMPLE_OFF };

/* Colour management: by default an embedded profile is imported and the
 * output written as sRGB (no profile needed to display it). */
struct ib_colour {
    const char *input_profile;  /* for untagged inputs; NULL = sRGB */
    const char *output_profile; /* NULL = sRGB */
    enum ib_intent intent;
    int keep_profile; /* keep the input's colour space and profile */
    int linear;       /* shrink in linear light */
};

/* The encoder options people tune; -1 = the encoder's default. */
struct ib_encoder {
    int jpeg_progressive;
    int jpeg_optimize; /* optimised Huffman tables */
    enum ib_subsample jpeg_subsample;
    int png_compression; /* 0..9 */
    int png_palette;
    int webp_lossless;
    int webp_near_lossless;
    int webp_effort; /* 0..6 */
    int avif_effort; /* 0..9 */
};

/* Loaders that stay blocked unless asked for. */
struct ib_loaders {
    int allow_svg;
    int allow_pdf;
    int allow_untrusted; /* ImageMagick's fallback and the like */
};

struct ib_settings {
    struct ib_geometry geometry;
    enum ib_crop crop;
    enum ib_format format; /* IB_FMT_KEEP: the input's */
    int quality;           /* 1..100, lossy formats */
    const char *prefix;
    const char *outdir; /* NULL: beside each input */
    int no_rotate;
    int page;             /* -1: the primary image (animations: all) */
    double background[3]; /* flattening colour for formats without alpha */
    int keep_metadata;    /* EXIF, XMP, IPTC, comments */
    struct ib_colour colour;
    struct ib_encoder encoder;
    struct ib_loaders loaders;
    int jobs;
    double timeout_s;     /* per file; 0 = none */
    long long max_pixels; /* 0 = no limit */
    /* Bytes of address space a worker may add to what it has after
     * start-up (RLIMIT_AS); 0 = no limit. */
    long long max_memory;
    /* -u: skip inputs whose output is up to date (state.h); -n: say what
     * would be done, do nothing. */
    int update;
    int dry_run;
    /* --prune (with -u): trees whose state files are checked for outputs
     * whose input is gone. */
    int prune;
    const char *const *prune_roots;
    int nprune_roots;
    struct ib_shard shard; /* count 1: everything */
    /* --golden DIR: compare each output with DIR/<its path below -o>;
     * --update-golden writes them instead. */
    const char *golden_dir;
    int update_golden;
    struct ib_tolerance tolerance;
    /* --diff-dir DIR: pictures of each mismatch and an index.html. */
    const char *diff_dir;
};

void ib_settings_defaults(struct ib_settings *s);

#endif
