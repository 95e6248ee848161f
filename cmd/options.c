/* SPDX-License-Identifier: MIT */
/* imgbatch's options: the one table (opt.h) they are declared in, and the
 * checks that span several of them. Every value is checked here, so a
 * usage error always stops the run before any work, with a message that
 * names the option and what it expects. */
#define _GNU_SOURCE
#include "options.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imgbatch/memlimit.h"
#include "imgbatch/version.h"
#include "imgbatch/vipsmodule.h"
#include "recipe.h"
#include "renditions.h"
#include "tolerance_opts.h"
#include "values.h"

#define MAX_JOBS 1024

/* The field of struct cli, or of struct output_opts, an option sets. */
#define CLI(FIELD) offsetof(struct cli, FIELD)
#define OUT(FIELD) offsetof(struct output_opts, FIELD)

enum group {
    SIZE,
    OUTPUT,
    COLOUR,
    ENCODERS,
    SAFETY,
    INPUTS,
    GOLDEN,
    REPORTING,
};

static const char *const group_titles[] = {
    [SIZE] = "Size",
    [OUTPUT] = "Output",
    [COLOUR] = "Colour",
    [ENCODERS] = "Encoders",
    [SAFETY] = "Safety",
    [INPUTS] = "Inputs and scheduling",
    [GOLDEN] = "Golden images",
    [REPORTING] = "Reporting",
};

static const char *const crops[] = {"none", "centre", "attention", "entropy",
                                    NULL};
static const char *const fits[] = {"inside", "cover",   "contain",
                                   "fill",   "outside", NULL};
static const char *const formats[] = {"jpg", "png", "webp", "avif", "tif",
                                      "gif", "jxl", "heic", NULL};
static const char *const intents[] = {"perceptual", "relative", "saturation",
                                      "absolute", NULL};
static const char *const subsample_modes[] = {"auto", "on", "off", NULL};
static const char *const progress_modes[] = {"auto", "always", "never", NULL};
static const char *const mtime_modes[] = {"now", "input", "exif", NULL};

static const struct opt options[] = {
    /* Size */
    {.name = "size",
     .key = 's',
     .arg = "GEOMETRY",
     .group = SIZE,
     .parse = opt_sizes,
     .offset = OUT(sizes),
     .scope = OPT_OUTPUT,
     .what = "geometry",
     .flags = OPT_LIST,
     .help = "target size, or a comma-separated list of them (default "
             "100x100):\n"
             "  WxH   fit inside WxH, keep the aspect ratio\n"
             "  W, Wx set the width; xH sets the height\n"
             "  WxH!  exactly WxH, ignore the aspect ratio\n"
             "  WxH^  cover WxH, keep the aspect ratio\n"
             "  WxH> only shrink; WxH< only enlarge\n"
             "  N%, W%xH%  scale; N@  at most N pixels"},
    {.name = "crop",
     .arg = "MODE",
     .group = SIZE,
     .parse = opt_crop,
     .offset = OUT(crop),
     .scope = OPT_OUTPUT,
     .values = crops,
     .complete = OPT_COMPLETE_VALUES,
     .help = "fill WxH and crop to it: centre, attention, entropy (--fit "
             "cover with that --gravity)"},
    {.name = "fit",
     .arg = "MODE",
     .group = SIZE,
     .parse = opt_choice,
     .offset = OUT(fit),
     .scope = OPT_OUTPUT,
     .values = fits,
     .complete = OPT_COMPLETE_VALUES,
     .help = "how the output fills WxH: inside (within it, the default), "
             "cover (fills it, cropped), contain (within it, padded to "
             "exactly WxH with --background, transparent for formats with "
             "alpha when none is given), fill (exactly WxH, stretched), "
             "outside (covers it, not cropped)"},
    {.name = "gravity",
     .arg = "G",
     .group = SIZE,
     .parse = opt_gravity,
     .offset = OUT(gravity),
     .scope = OPT_OUTPUT,
     .values = ib_gravity_names,
     .complete = OPT_COMPLETE_VALUES,
     .help = "where cover crops and contain pads: centre (default), north, "
             "northeast, east, southeast, south, southwest, west, northwest, "
             "X,Y (fractions from 0 to 1), or for cover attention, entropy"},
    {.name = "no-enlarge",
     .group = SIZE,
     .offset = OUT(r.no_enlarge),
     .scope = OPT_OUTPUT,
     .help = "skip an output that would be larger than its input (reason: "
             "would enlarge); WxH> does the same when there are several "
             "outputs"},
    {.name = "no-rotate",
     .group = SIZE,
     .offset = CLI(settings.no_rotate),
     .help = "keep pixels as stored (ignore EXIF orientation)"},
    {.name = "page",
     .arg = "N",
     .group = SIZE,
     .parse = opt_int,
     .offset = CLI(settings.page),
     .min = 0,
     .max = 100000,
     .help = "use page/frame N (from 0) of a multi-page file (default: the "
             "primary image; all frames of an animation when the output "
             "format can animate)"},
    /* Output */
    {.name = "output",
     .key = 'o',
     .arg = "DIR",
     .group = OUTPUT,
     .parse = opt_string,
     .offset = CLI(settings.outdir),
     .complete = OPT_COMPLETE_DIR,
     .help = "write under DIR, mirroring each input's path below its PATH "
             "(default: beside the input)"},
    {.name = "name",
     .arg = "TEMPLATE",
     .group = OUTPUT,
     .parse = opt_template,
     .offset = OUT(r.name),
     .scope = OPT_OUTPUT,
     .help = "name outputs by a template: {name} {stem} {ext} {dir} of the "
             "input, {w} {h} of the output, {size} {format} {q} {variant}, "
             "{hash:N} (the first N hex digits of the SHA-256 of the "
             "output); default resized_{name}, or resized_{stem}-{variant}."
             "{ext} for several outputs"},
    {.name = "variant",
     .arg = "SPEC",
     .group = OUTPUT,
     .parse = opt_append,
     .offset = CLI(variant_specs),
     .flags = OPT_REPEATABLE,
     .help = "one more output per input: '[NAME:] OPTIONS', with the "
             "options of one output (-s, -f, -q, --name, --fit, ...); the "
             "command line's are its defaults (repeatable)"},
    {.name = "recipe",
     .arg = "FILE",
     .group = OUTPUT,
     .parse = opt_string,
     .offset = CLI(recipe),
     .complete = OPT_COMPLETE_FILE,
     .help = "read default options and [variant NAME] sections from FILE "
             "(README, Renditions); the command line overrides it"},
    {.name = "manifest",
     .arg = "FILE",
     .group = OUTPUT,
     .parse = opt_string,
     .offset = CLI(settings.manifest),
     .complete = OPT_COMPLETE_FILE,
     .help = "write every input's outputs (path, width, height, format, "
             "bytes) as JSON to FILE, for srcset; merged with the last one "
             "under -u"},
    {.name = "prefix",
     .arg = "PREFIX",
     .group = OUTPUT,
     .parse = opt_prefix,
     .offset = OUT(r.prefix),
     .scope = OPT_OUTPUT,
     .help = "output name prefix (default resized_)"},
    {.name = "format",
     .key = 'f',
     .arg = "FORMAT",
     .group = OUTPUT,
     .parse = opt_formats,
     .offset = OUT(formats),
     .scope = OPT_OUTPUT,
     .values = formats,
     .complete = OPT_COMPLETE_VALUES,
     .flags = OPT_LIST,
     .help = "jpg, png, webp, avif, tif, gif, jxl or heic, or a "
             "comma-separated list of them (default: the input's)"},
    {.name = "quality",
     .key = 'q',
     .arg = "N",
     .group = OUTPUT,
     .parse = opt_int,
     .offset = OUT(r.quality),
     .scope = OPT_OUTPUT,
     .min = 1,
     .max = 100,
     .help = "quality of lossy formats, 1-100 (default 85)"},
    {.name = "background",
     .arg = "C",
     .group = OUTPUT,
     .parse = opt_colour,
     .offset = OUT(r.background),
     .scope = OPT_OUTPUT,
     .values = ib_colour_names,
     .complete = OPT_COMPLETE_VALUES,
     .help = "colour under transparency for formats without alpha: white, "
             "black, #rrggbb, R,G,B (default white)"},
    {.name = "keep-metadata",
     .arg = "LIST",
     .group = OUTPUT,
     .parse = opt_metadata,
     .offset = OUT(r.keep_metadata),
     .scope = OPT_OUTPUT,
     .values = ib_metadata_names,
     .complete = OPT_COMPLETE_VALUES,
     .flags = OPT_OPTIONAL | OPT_LIST,
     .help = "keep these of the input's metadata: icc, exif (without GPS), "
             "xmp, iptc, comment, copyright, datetime, gps, or all (the "
             "default when no LIST is given: everything, GPS included); "
             "orientation is set to 1 (default: all dropped)"},
    {.name = "max-bytes",
     .arg = "SIZE",
     .group = OUTPUT,
     .parse = opt_bytes,
     .offset = OUT(r.max_bytes),
     .scope = OPT_OUTPUT,
     .help = "the highest quality whose output fits in SIZE (K, M suffixes: "
             "200K); JPEG, WebP, AVIF, HEIC, JPEG XL; an output that does not "
             "fit at --min-quality fails"},
    {.name = "min-quality",
     .arg = "N",
     .group = OUTPUT,
     .parse = opt_int,
     .offset = OUT(r.min_quality),
     .scope = OPT_OUTPUT,
     .min = 1,
     .max = 100,
     .help = "the lowest quality --max-bytes may choose (default 40)"},
    {.name = "skip-larger",
     .group = OUTPUT,
     .offset = OUT(r.skip_larger),
     .scope = OPT_OUTPUT,
     .help = "when the input already has the output's size and format and "
             "is smaller than the output, copy the input's bytes instead"},
    {.name = "sharpen",
     .arg = "SIGMA",
     .group = OUTPUT,
     .parse = opt_sharpen,
     .offset = OUT(r.sharpen),
     .scope = OPT_OUTPUT,
     .flags = OPT_OPTIONAL,
     .help = "a mild unsharp mask after the downscale (libvips' sharpen; "
             "SIGMA 0.1-10, default 0.5)"},
    {.name = "mtime",
     .arg = "WHEN",
     .group = OUTPUT,
     .parse = opt_choice,
     .offset = CLI(settings.mtime),
     .values = mtime_modes,
     .complete = OPT_COMPLETE_VALUES,
     .help = "the outputs' modification time: now (default), input (the "
             "input's), exif (the capture date, else the input's)"},
    {.name = "recursive",
     .key = 'r',
     .group = OUTPUT,
     .offset = CLI(recursive),
     .help = "descend into subdirectories"},
    /* Colour */
    {.name = "input-profile",
     .arg = "P",
     .group = COLOUR,
     .parse = opt_string,
     .offset = CLI(settings.colour.input_profile),
     .complete = OPT_COMPLETE_FILE,
     .help = "profile for untagged inputs (file, or srgb, p3, cmyk)"},
    {.name = "import-profile",
     .arg = "P",
     .group = COLOUR,
     .parse = opt_string,
     .offset = CLI(settings.colour.input_profile),
     .complete = OPT_COMPLETE_FILE,
     .flags = OPT_HIDDEN,
     .help = "vipsthumbnail's name for --input-profile"},
    {.name = "output-profile",
     .arg = "P",
     .group = COLOUR,
     .parse = opt_string,
     .offset = CLI(settings.colour.output_profile),
     .complete = OPT_COMPLETE_FILE,
     .help = "write in profile P (default: sRGB)"},
    {.name = "export-profile",
     .arg = "P",
     .group = COLOUR,
     .parse = opt_string,
     .offset = CLI(settings.colour.output_profile),
     .complete = OPT_COMPLETE_FILE,
     .flags = OPT_HIDDEN,
     .help = "vipsthumbnail's name for --output-profile"},
    {.name = "intent",
     .arg = "I",
     .group = COLOUR,
     .parse = opt_choice,
     .offset = CLI(settings.colour.intent),
     .values = intents,
     .complete = OPT_COMPLETE_VALUES,
     .help = "perceptual, relative (default), saturation, absolute"},
    {.name = "keep-profile",
     .group = COLOUR,
     .offset = CLI(settings.colour.keep_profile),
     .help = "keep the input's colour space and profile"},
    {.name = "linear",
     .group = COLOUR,
     .offset = CLI(settings.colour.linear),
     .help = "shrink in linear light"},
    /* Encoders */
    {.name = "jpeg-progressive",
     .group = ENCODERS,
     .offset = OUT(r.encoder.jpeg_progressive),
     .scope = OPT_OUTPUT,
     .help = "progressive JPEG"},
    {.name = "jpeg-optimize",
     .group = ENCODERS,
     .offset = OUT(r.encoder.jpeg_optimize),
     .scope = OPT_OUTPUT,
     .help = "optimised Huffman tables"},
    {.name = "jpeg-subsample",
     .arg = "M",
     .group = ENCODERS,
     .parse = opt_choice,
     .offset = OUT(r.encoder.jpeg_subsample),
     .scope = OPT_OUTPUT,
     .values = subsample_modes,
     .complete = OPT_COMPLETE_VALUES,
     .help = "chroma subsampling: auto, on, off"},
    {.name = "png-compression",
     .arg = "N",
     .group = ENCODERS,
     .parse = opt_int,
     .offset = OUT(r.encoder.png_compression),
     .scope = OPT_OUTPUT,
     .min = 0,
     .max = 9,
     .help = "zlib level 0-9"},
    {.name = "png-palette",
     .group = ENCODERS,
     .offset = OUT(r.encoder.png_palette),
     .scope = OPT_OUTPUT,
     .help = "8-bit palette PNG (quantised, uses -q)"},
    {.name = "webp-lossless",
     .group = ENCODERS,
     .offset = OUT(r.encoder.webp_lossless),
     .scope = OPT_OUTPUT,
     .help = "lossless WebP"},
    {.name = "webp-near-lossless",
     .group = ENCODERS,
     .offset = OUT(r.encoder.webp_near_lossless),
     .scope = OPT_OUTPUT,
     .help = "near-lossless WebP (uses -q)"},
    {.name = "webp-effort",
     .arg = "N",
     .group = ENCODERS,
     .parse = opt_int,
     .offset = OUT(r.encoder.webp_effort),
     .scope = OPT_OUTPUT,
     .min = 0,
     .max = 6,
     .help = "0-6"},
    {.name = "avif-effort",
     .arg = "N",
     .group = ENCODERS,
     .parse = opt_int,
     .offset = OUT(r.encoder.avif_effort),
     .scope = OPT_OUTPUT,
     .min = 0,
     .max = 9,
     .help = "0-9"},
    /* Safety */
    {.name = "jobs",
     .key = 'j',
     .arg = "N",
     .group = SAFETY,
     .parse = opt_int,
     .offset = CLI(settings.jobs),
     .min = 1,
     .max = MAX_JOBS,
     .help = "worker processes (default: online CPUs)"},
    {.name = "timeout",
     .arg = "SECONDS",
     .group = SAFETY,
     .parse = opt_seconds,
     .offset = CLI(settings.timeout_s),
     .help = "give up on a file after this long (default 300; 0 = never)"},
    {.name = "max-memory",
     .arg = "SIZE",
     .group = SAFETY,
     .parse = opt_bytes,
     .offset = CLI(settings.max_memory),
     .help = "memory a worker may use for one file (K, M, G suffixes; "
             "0 = none; default: half the machine's memory over -j, at "
             "least 256M): a file that needs more fails, the batch goes "
             "on"},
    {.name = "max-pixels",
     .arg = "N",
     .group = SAFETY,
     .parse = opt_long,
     .offset = CLI(settings.max_pixels),
     .min = 0,
     .max = LLONG_MAX,
     .help = "refuse images larger than N pixels, checked before decoding "
             "(default 268402689; 0 = none)"},
    {.name = "allow-svg",
     .group = SAFETY,
     .offset = CLI(settings.loaders.allow_svg),
     .help = "read SVG (off by default)"},
    {.name = "allow-pdf",
     .group = SAFETY,
     .offset = CLI(settings.loaders.allow_pdf),
     .help = "read PDF (off by default)"},
    {.name = "allow-untrusted",
     .group = SAFETY,
     .offset = CLI(settings.loaders.allow_untrusted),
     .help = "use loaders libvips marks untrusted (JPEG XL, JPEG 2000, "
             "netpbm, ImageMagick's, ...)"},
    /* Inputs and scheduling */
    {.name = "update",
     .key = 'u',
     .group = INPUTS,
     .offset = CLI(settings.update),
     .help = "skip inputs whose output is up to date (same input size and "
             "mtime, same settings)"},
    {.name = "prune",
     .group = INPUTS,
     .offset = CLI(settings.prune),
     .help = "with -u: remove outputs whose input is gone"},
    {.name = "dry-run",
     .key = 'n',
     .group = INPUTS,
     .offset = CLI(settings.dry_run),
     .help = "print what would be done and why; change nothing"},
    {.name = "watch",
     .group = INPUTS,
     .offset = CLI(settings.watch),
     .help = "keep running: process files that appear or change under the "
             "PATHs (implies -u), until SIGINT or SIGTERM"},
    {.name = "watch-settle",
     .arg = "SECONDS",
     .group = INPUTS,
     .parse = opt_seconds,
     .offset = CLI(settings.watch_settle),
     .help = "with --watch: take a file once it has not changed for this "
             "long (default 1)"},
    {.name = "files-from",
     .arg = "FILE",
     .group = INPUTS,
     .parse = opt_string,
     .offset = CLI(files_from),
     .complete = OPT_COMPLETE_FILE,
     .help = "read input paths from FILE (- = stdin), one per line"},
    {.name = "null",
     .key = '0',
     .group = INPUTS,
     .offset = CLI(nul_separated),
     .help = "--files-from entries end with NUL (find -print0)"},
    {.name = "shard",
     .arg = "K/N",
     .group = INPUTS,
     .parse = opt_shard,
     .offset = CLI(settings.shard),
     .help = "process only part K (0 to N-1) of N, split by a stable hash "
             "of each input's path; 'auto' takes K and N from a Slurm job "
             "array, or K from a Kubernetes Indexed Job "
             "(JOB_COMPLETION_INDEX) with N from 'auto/N' or "
             "IMGBATCH_SHARD_COUNT"},
    {.name = "lock",
     .arg = "FILE",
     .group = INPUTS,
     .parse = opt_string,
     .offset = CLI(lock_path),
     .complete = OPT_COMPLETE_FILE,
     .help = "hold FILE locked while running; if another run holds it, exit "
             "75 (at once, or after --lock-wait)"},
    {.name = "lock-wait",
     .arg = "SECONDS",
     .group = INPUTS,
     .parse = opt_seconds,
     .offset = CLI(lock_wait),
     .help = "with --lock: wait up to SECONDS for another run to let go of "
             "it before exiting 75 (default 0)"},
    /* Golden images */
    {.name = "golden",
     .arg = "DIR",
     .group = GOLDEN,
     .parse = opt_string,
     .offset = CLI(settings.golden_dir),
     .complete = OPT_COMPLETE_DIR,
     .help = "compare each output with DIR/<its path below -o> (-o is "
             "needed) by decoded pixels; exit 1 on a mismatch, a missing "
             "golden or an orphan in DIR"},
    {.name = "update-golden",
     .group = GOLDEN,
     .offset = CLI(settings.update_golden),
     .help = "write or refresh the goldens in DIR instead"},
    {.name = "golden-orphans",
     .group = GOLDEN,
     .offset = CLI(golden_orphans),
     .help = "report goldens no output maps to (remove them with "
             "--update-golden) even when a PATH is not a whole folder"},
    {.name = "diff-dir",
     .arg = "DIR",
     .group = GOLDEN,
     .parse = opt_string,
     .offset = CLI(settings.diff_dir),
     .complete = OPT_COMPLETE_DIR,
     .help = "pictures of each mismatch and DIR/index.html, a page of "
             "every mismatch, missing golden and orphan"},
    TOLERANCE_OPTS(CLI(settings.tolerance), GOLDEN),
    /* Reporting */
    {.name = "report",
     .arg = "FILE",
     .group = REPORTING,
     .parse = opt_string,
     .offset = CLI(report_path),
     .complete = OPT_COMPLETE_FILE,
     .help = "write an NDJSON report to FILE (- = stdout)"},
    {.name = "progress",
     .arg = "WHEN",
     .group = REPORTING,
     .parse = opt_choice,
     .offset = CLI(progress),
     .values = progress_modes,
     .complete = OPT_COMPLETE_VALUES,
     .help = "progress line: auto (when stderr is a terminal, and not the "
             "one --report - writes to), always, never"},
    {.name = "quiet",
     .group = REPORTING,
     .offset = CLI(quiet),
     .help = "print failures only"},
    {.name = "verbose",
     .key = 'v',
     .group = REPORTING,
     .offset = CLI(verbose),
     .help = "print a line for every file"},
    {.name = "help",
     .key = 'h',
     .group = REPORTING,
     .flags = OPT_EXIT,
     .help = "show this help and exit"},
    {.name = "version",
     .key = 'V',
     .group = REPORTING,
     .flags = OPT_EXIT,
     .help = "show the version and exit"},
};

const struct opt_table cli_options = {
    .program = "imgbatch",
    .opts = options,
    .n = sizeof(options) / sizeof(options[0]),
    .groups = group_titles,
};

static const char usage_head[] =
    "Usage: imgbatch [OPTION]... PATH...\n"
    "       imgbatch compare [OPTION]... EXPECTED ACTUAL\n"
    "Resize every image in PATH (files and directories) into <prefix><name>,\n"
    "or into several outputs each (sizes, formats, variants).\n"
    "\n";

static const char usage_tail[] =
    "\n"
    "Exit status: 0 every input done (or nothing to do), 1 some inputs\n"
    "failed, 2 usage or set-up error (bad option, unreadable PATH, no\n"
    "workers, every write failing), 75 --lock held by another run, 130\n"
    "interrupted by SIGINT, 143 by SIGTERM.\n";

void cli_print_help(FILE *f)
{
    fputs(usage_head, f);
    opt_print_help(&cli_options, f);
    fputs(usage_tail, f);
}

static int default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (int)n;
}

/* Without --max-memory, each worker gets its share (memlimit.h), which
 * depends on -j. */
static void set_default_max_memory(struct ib_settings *s)
{
    if (s->max_memory >= 0)
        return;
    s->max_memory = ib_memlimit_default(s->jobs);
    s->max_memory_default = s->max_memory > 0;
}

/* Options that contradict each other, or a value that reads as something
 * imgbatch does not do: refused rather than one quietly winning. */
static int check_reporting(const struct cli *c)
{
    const struct opt_table *t = &cli_options;
    if (c->quiet && c->verbose)
        return opt_usage_error(t, NULL,
                               "--quiet and --verbose cannot be combined");
    /* "-" reads as stdout, which a folder of outputs cannot be: without
     * this, a folder named "-" appears. */
    if (c->settings.outdir && strcmp(c->settings.outdir, "-") == 0)
        return opt_usage_error(t, NULL,
                               "-o - is not stdout: to write one image to "
                               "stdout, read it from stdin (imgbatch -s 100 "
                               "- < in.jpg > out.jpg); -o ./- names a "
                               "directory '-'");
    return 0;
}

static int check_combination(const struct cli *c)
{
    const struct ib_settings *s = &c->settings;
    const struct opt_table *t = &cli_options;
    if (s->colour.keep_profile && s->colour.output_profile)
        return opt_usage_error(
            t, NULL, "--keep-profile and --output-profile cannot be combined");
    if (c->npaths == 0 && !c->files_from)
        return opt_usage_error(t, NULL, "no PATH given (or --files-from)");
    if (s->diff_dir && !s->golden_dir)
        return opt_usage_error(t, NULL, "--diff-dir needs --golden DIR");
    if (s->update_golden && !s->golden_dir)
        return opt_usage_error(t, NULL, "--update-golden needs --golden DIR");
    /* Without -o a golden run's outputs would land among the fixtures and
     * stay there, in a tree a test suite keeps under version control. */
    if (s->golden_dir && !s->outdir)
        return opt_usage_error(
            t, NULL,
            "--golden needs -o DIR (the outputs would land among "
            "the inputs)");
    if (c->golden_orphans && !s->golden_dir)
        return opt_usage_error(t, NULL, "--golden-orphans needs --golden DIR");
    if (c->golden_orphans && s->shard.count > 1)
        return opt_usage_error(t, NULL,
                               "--golden-orphans cannot be used with --shard "
                               "(each shard would find the others' goldens)");
    if (c->lock_wait >= 0 && !c->lock_path)
        return opt_usage_error(t, NULL, "--lock-wait needs --lock FILE");
    if (s->prune && !s->update && !s->watch)
        return opt_usage_error(t, NULL,
                               "--prune needs -u (it works from -u's records)");
    if (s->watch && (c->files_from || s->dry_run || s->golden_dir))
        return opt_usage_error(t, NULL,
                               "--watch watches PATHs: it takes no "
                               "--files-from, -n or --golden");
    if (c->nul_separated && !c->files_from)
        return opt_usage_error(t, NULL, "-0 needs --files-from");
    return check_reporting(c);
}

static void set_defaults(struct cli *c)
{
    ib_settings_defaults(&c->settings);
    c->settings.max_memory = -1; /* not given: a share of memory */
    ib_rendition_defaults(&c->out.r);
    c->out.sizes.n = 0;
    c->out.formats.n = 0;
    c->out.fit = -1;
    c->out.crop = CROP_NONE;
    c->out.gravity.given = 0;
    c->lock_wait = -1;
}

/* A recipe's [defaults], set before the command line, which overrides
 * them. */
static int apply_recipe_defaults(struct cli *c, const struct recipe *r)
{
    struct opt_targets to = {{c, &c->out}, NULL};
    for (int i = 0; i < r->nsections; i++) {
        const struct recipe_section *s = &r->sections[i];
        for (int j = 0; !s->variant && j < s->nlines; j++) {
            const struct recipe_line *l = &s->lines[j];
            char context[512];
            snprintf(context, sizeof(context), "recipe '%s' line %d: ", r->path,
                     l->line);
            to.context = context;
            if (strcmp(l->key, "recipe") == 0 || strcmp(l->key, "variant") == 0)
                return opt_usage_error(&cli_options, context,
                                       "--%s has no place in a recipe "
                                       "(use [variant NAME] sections)",
                                       l->key);
            if (opt_set(&cli_options, l->key, l->value, &to))
                return -1;
        }
    }
    return 0;
}

/* --version: imgbatch's, then from the vips module (loaded in this
 * process, which runs no batch) the libvips it loads and was built
 * against, and the loaders on and off under the options given before
 * --version. 0, or -1 when the module cannot say. */
static int print_version(const struct ib_loaders *policy)
{
    printf("imgbatch %s\n", IMGBATCH_VERSION);
    fflush(stdout);
    char text[4096];
    const struct ib_vips_api *vips = ib_vips_module_load(text, sizeof(text));
    if (vips && vips->about(policy, text, sizeof(text)) == 0) {
        fputs(text, stdout);
        return 0;
    }
    fprintf(stderr, "imgbatch: %s\n", text);
    return -1;
}

/* Parses argv, over a recipe's defaults when --recipe names one. 0, 1
 * (help or version asked), or -1 after a usage error. */
static int parse_all(int argc, char **argv, struct cli *c, struct recipe *r,
                     int *first)
{
    struct opt_targets to = {{c, &c->out}, NULL};
    const struct opt *exit_opt;
    int rc = opt_parse(&cli_options, argc, argv, &to, &exit_opt, first);
    if (rc == 0 && c->recipe) {
        const char *path = c->recipe;
        char why[512];
        int read = recipe_read(path, &c->strings, r, why, sizeof(why));
        if (read == RECIPE_UNREADABLE)
            return opt_usage_error(&cli_options, NULL,
                                   "cannot read recipe '%s': %s", path, why);
        if (read == RECIPE_BAD_LINE)
            return opt_usage_error(&cli_options, NULL, "recipe '%s' %s", path,
                                   why);
        struct string_list none = {0};
        set_defaults(c);
        c->variant_specs = none;
        if (apply_recipe_defaults(c, r))
            return -1;
        rc = opt_parse(&cli_options, argc, argv, &to, &exit_opt, first);
    }
    if (rc > 0 && exit_opt->key == 'h')
        cli_print_help(stdout);
    else if (rc > 0 && print_version(&c->settings.loaders) != 0)
        return -1;
    return rc;
}

/* A golden is an orphan only if this run would have made it: when the
 * PATHs are whole folders, which the golden folder mirrors. A run over
 * some files of a folder (a test re-run, a bisection) makes only theirs,
 * and would find every other golden orphaned (or, with --update-golden,
 * remove it). --shard never looks: its part of the folder is a hash. */
static int orphans_wanted(const struct cli *c)
{
    if (c->golden_orphans)
        return 1;
    if (c->files_from || c->settings.shard.count > 1)
        return 0;
    for (int i = 0; i < c->npaths; i++) {
        struct stat st;
        if (stat(c->paths[i], &st) != 0 || !S_ISDIR(st.st_mode))
            return 0;
    }
    return 1;
}

enum cli_parse_result cli_parse(int argc, char **argv, struct cli *c)
{
    memset(c, 0, sizeof(*c));
    ib_arena_init(&c->strings);
    set_defaults(c);
    struct recipe recipe = {0};
    int first;
    int rc = parse_all(argc, argv, c, &recipe, &first);
    if (rc == 0) {
        if (!c->settings.jobs)
            c->settings.jobs = default_jobs();
        set_default_max_memory(&c->settings);
        c->paths = argv + first;
        c->npaths = argc - first;
        if (renditions_build(c, &recipe) || check_combination(c))
            rc = -1;
        c->settings.golden_orphans = orphans_wanted(c);
    }
    recipe_free(&recipe);
    return rc < 0 ? CLI_USAGE_ERROR : rc > 0 ? CLI_EXIT_OK : CLI_RUN;
}

void cli_free(struct cli *c)
{
    free(c->renditions);
    ib_arena_free(&c->strings);
}
