/* SPDX-License-Identifier: MIT */
/* Everything a batch is asked to do, as the CLI parsed it. Workers inherit
 * it through fork(), so it never crosses the protocol.
 *
 * What is asked of each output is a rendition: an input makes one output
 * per rendition (several with -s and -f lists, --variant or a recipe),
 * each with its own size, fit, format, name and encoder settings. What is
 * asked of the input (its page, orientation, colour handling) and of the
 * run is in ib_settings itself. */
#ifndef IMGBATCH_SETTINGS_H
#define IMGBATCH_SETTINGS_H

#include "imgbatch/format.h"
#include "imgbatch/geometry.h"
#include "imgbatch/tolerance.h"

/* --shard K/N: one of N disjoint parts of the input list (shard.h). */
struct ib_shard {
    unsigned index; /* K: 0 .. count-1 */
    unsigned count; /* N: 1 = no sharding */
};

/* How an output fills its box (sharp's names). */
enum ib_fit {
    IB_FIT_INSIDE,  /* within WxH, aspect kept (WxH) */
    IB_FIT_COVER,   /* fills WxH, aspect kept, the overflow cropped */
    IB_FIT_CONTAIN, /* within WxH, aspect kept, padded to exactly WxH */
    IB_FIT_FILL,    /* exactly WxH, aspect ignored (WxH!) */
    IB_FIT_OUTSIDE, /* covers WxH, aspect kept, not cropped (WxH^) */
};

/* Where a crop or a pad puts the image: a point (fractions of the room
 * left over on each axis: 0,0 top left, 0.5,0.5 the centre), or for a
 * crop libvips' smartcrop strategies. */
enum ib_gravity_kind {
    IB_GRAVITY_POINT,
    IB_GRAVITY_ATTENTION,
    IB_GRAVITY_ENTROPY,
};

struct ib_gravity {
    enum ib_gravity_kind kind;
    double x, y; /* IB_GRAVITY_POINT */
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

/* A colour under transparency: for formats without alpha, and the
 * padding of contain (transparent, for formats with alpha, unless
 * given). */
struct ib_background {
    double rgb[3];
    int given;
};

/* --keep-metadata=LIST: what an output keeps of its input's metadata.
 * IB_META_ALL (a bare --keep-metadata) is everything, GPS included;
 * in a list, GPS is kept only when named. */
enum ib_meta {
    IB_META_ICC = 1 << 0,
    IB_META_EXIF = 1 << 1, /* all of EXIF but the GPS position */
    IB_META_XMP = 1 << 2,
    IB_META_IPTC = 1 << 3,
    IB_META_COMMENT = 1 << 4,
    IB_META_COPYRIGHT = 1 << 5, /* from EXIF, else XMP, else IPTC */
    IB_META_DATETIME = 1 << 6,  /* the dates, as copyright */
    IB_META_GPS = 1 << 7,
    IB_META_ALL = (1 << 8) - 1,
};

/* --mtime: the output's modification time. */
enum ib_mtime {
    IB_MTIME_NOW,   /* when it was written */
    IB_MTIME_INPUT, /* the input's */
    IB_MTIME_EXIF,  /* the capture date (EXIF), else the input's */
};

/* One output of each input. */
struct ib_rendition {
    const char *variant;   /* its name: {variant}, the report, -u */
    const char *size_text; /* the geometry as written: {size} */
    struct ib_geometry geometry;
    enum ib_fit fit;
    struct ib_gravity gravity;
    enum ib_format format; /* IB_FMT_KEEP: the input's */
    int quality;           /* 1..100, lossy formats */
    struct ib_background background;
    unsigned keep_metadata; /* enum ib_meta bits; 0: none */
    /* --max-bytes: the highest quality whose output fits, down to
     * min_quality (below it the output fails); 0: no budget. */
    long long max_bytes;
    int min_quality;
    /* --skip-larger: an output of the input's size and format that comes
     * out larger than the input is the input's bytes instead. */
    int skip_larger;
    double sharpen; /* --sharpen: the mask's sigma; 0: off */
    /* Skip the output, with the reason "would enlarge", rather than make
     * it larger than the input (--no-enlarge; '>' with several). */
    int no_enlarge;
    const char *name;   /* --name template; NULL: prefix + input's name */
    const char *prefix; /* for the default name */
    struct ib_encoder encoder;
};

struct ib_settings {
    const struct ib_rendition *renditions;
    int nrenditions;
    const char *outdir; /* NULL: beside each input */
    int no_rotate;
    int page; /* -1: the primary image (animations: all) */
    struct ib_colour colour;
    struct ib_loaders loaders;
    int jobs;
    double timeout_s;     /* per file; 0 = none */
    long long max_pixels; /* 0 = no limit */
    /* Bytes of address space a worker may add to what it has after
     * start-up (RLIMIT_AS); 0 = no limit. max_memory_default: the limit
     * is the default one (memlimit.h), not asked for: a bound against
     * bombs, which leaves the worker's heap and modules as they are
     * without a limit, rather than an exact one. */
    long long max_memory;
    int max_memory_default;
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
    /* Whether a golden no output maps to is an orphan (reported, or
     * removed by --update-golden): only when the run covers the golden
     * folder, every PATH a whole folder, or --golden-orphans says so. */
    int golden_orphans;
    struct ib_tolerance tolerance;
    /* --diff-dir DIR: pictures of each mismatch and an index.html. */
    const char *diff_dir;
    /* --manifest FILE: every input's outputs, for srcset. */
    const char *manifest;
    int mtime; /* enum ib_mtime */
    /* --watch: keep running, processing what appears or changes; a file
     * is taken once it has not changed for watch_settle seconds. */
    int watch;
    double watch_settle;
};

/* Every run-level setting at its default; no rendition. */
void ib_settings_defaults(struct ib_settings *s);

/* A rendition at the defaults: 100x100 inside, the input's format,
 * quality 85, white background, "resized_" prefix. */
void ib_rendition_defaults(struct ib_rendition *r);

#endif
