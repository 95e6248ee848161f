/* Command-line parsing: getopt_long into struct cli. Every value is checked
 * here, so a usage error always stops the run before any work, with a
 * message that names the option and what it expects. */
#define _GNU_SOURCE
#include "options.h"

#include "compare.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "imgbatch/version.h"

#define MAX_JOBS 1024

static const char usage_text[] =
    "Usage: imgbatch [OPTION]... PATH...\n"
    "       imgbatch compare [OPTION]... EXPECTED ACTUAL\n"
    "Resize every image in PATH (files and directories) into <prefix><name>.\n"
    "\n"
    "Size:\n"
    "  -s, --size GEOMETRY   target size (default 100x100):\n"
    "                          WxH   fit inside WxH, keep the aspect ratio\n"
    "                          W, Wx set the width; xH sets the height\n"
    "                          WxH!  exactly WxH, ignore the aspect ratio\n"
    "                          WxH^  cover WxH, keep the aspect ratio\n"
    "                          WxH> only shrink; WxH< only enlarge\n"
    "                          N%, W%xH%  scale; N@  at most N pixels\n"
    "      --crop MODE       fill WxH and crop to it: centre, attention,\n"
    "                        entropy\n"
    "      --no-rotate       keep pixels as stored (ignore EXIF orientation)\n"
    "      --page N          use page/frame N (from 0) of a multi-page file\n"
    "                        (default: the primary image; all frames of an\n"
    "                        animation when the output format can animate)\n"
    "\n"
    "Output:\n"
    "  -o, --output DIR      write under DIR, mirroring each input's path\n"
    "                        below its PATH (default: beside the input)\n"
    "      --prefix PREFIX   output name prefix (default resized_)\n"
    "  -f, --format FORMAT   jpg, png, webp, avif, tif, gif, jxl or heic\n"
    "                        (default: the input's)\n"
    "  -q, --quality N       quality of lossy formats, 1-100 (default 85)\n"
    "      --background C    colour under transparency for formats without\n"
    "                        alpha: white, black, #rrggbb, R,G,B (default\n"
    "                        white)\n"
    "      --keep-metadata   keep EXIF, XMP, IPTC and comments (default:\n"
    "                        dropped)\n"
    "  -r, --recursive       descend into subdirectories\n"
    "\n"
    "Colour:\n"
    "      --input-profile P   profile for untagged inputs (file, or srgb,\n"
    "                          p3, cmyk)\n"
    "      --output-profile P  write in profile P (default: sRGB)\n"
    "      --intent I          perceptual, relative (default), saturation,\n"
    "                          absolute\n"
    "      --keep-profile      keep the input's colour space and profile\n"
    "      --linear            shrink in linear light\n"
    "\n"
    "Encoders:\n"
    "      --jpeg-progressive  progressive JPEG\n"
    "      --jpeg-optimize     optimised Huffman tables\n"
    "      --jpeg-subsample M  chroma subsampling: auto, on, off\n"
    "      --png-compression N zlib level 0-9\n"
    "      --png-palette       8-bit palette PNG (quantised, uses -q)\n"
    "      --webp-lossless     lossless WebP\n"
    "      --webp-near-lossless  near-lossless WebP (uses -q)\n"
    "      --webp-effort N     0-6\n"
    "      --avif-effort N     0-9\n"
    "\n";

/* The help is two strings: C11 compilers need support only 4095 bytes. */
static const char usage_text_2[] =
    "Safety:\n"
    "  -j, --jobs N          worker processes (default: online CPUs)\n"
    "      --timeout SECONDS give up on a file after this long (default\n"
    "                        300; 0 = never)\n"
    "      --max-memory SIZE memory a worker may use for one file (K, M, G\n"
    "                        suffixes; default none): a file that needs\n"
    "                        more fails, the batch goes on\n"
    "      --max-pixels N    refuse images larger than N pixels, checked\n"
    "                        before decoding (default 268402689; 0 = none)\n"
    "      --allow-svg       read SVG (off by default)\n"
    "      --allow-pdf       read PDF (off by default)\n"
    "      --allow-untrusted use loaders libvips marks untrusted\n"
    "\n"
    "Inputs and scheduling:\n"
    "  -u, --update          skip inputs whose output is up to date (same\n"
    "                        input size and mtime, same settings)\n"
    "      --prune           with -u: remove outputs whose input is gone\n"
    "  -n, --dry-run         print what would be done and why; change\n"
    "                        nothing\n"
    "      --files-from FILE read input paths from FILE (- = stdin), one\n"
    "                        per line\n"
    "  -0, --null            --files-from entries end with NUL (find\n"
    "                        -print0)\n"
    "      --shard K/N       process only part K (0 to N-1) of N, split by\n"
    "                        a stable hash of each input's path; 'auto'\n"
    "                        takes K and N from a Slurm job array\n"
    "      --lock FILE       hold FILE locked while running; if another run\n"
    "                        holds it, exit 75 at once\n"
    "\n"
    "Golden images:\n"
    "      --golden DIR      compare each output with DIR/<its path below\n"
    "                        -o> by decoded pixels; exit 1 on a mismatch,\n"
    "                        a missing golden or an orphan in DIR\n"
    "      --update-golden   write or refresh the goldens in DIR instead\n"
    "      --diff-dir DIR    for each mismatch, pictures and DIR/index.html\n"
    "      --max-diff N, --min-psnr DB, --fuzz N, --max-fraction F\n"
    "                        the tolerance, as imgbatch compare's\n"
    "\n"
    "Reporting:\n"
    "      --report FILE     write an NDJSON report to FILE (- = stdout)\n"
    "      --progress WHEN   progress line: auto (when stderr is a\n"
    "                        terminal), always, never\n"
    "      --quiet           print failures only\n"
    "  -v, --verbose         print a line for every file\n"
    "  -h, --help            show this help and exit\n"
    "  -V, --version         show the version and exit\n"
    "\n"
    "Exit status: 0 every input done (or nothing to do), 1 some inputs\n"
    "failed, 2 usage or set-up error (bad option, unreadable PATH, no\n"
    "workers, every write failing), 75 --lock held by another run, 130\n"
    "interrupted by SIGINT, 143 by SIGTERM.\n";

enum long_only {
    OPT_PREFIX = 256,
    OPT_CROP,
    OPT_NO_ROTATE,
    OPT_PAGE,
    OPT_BACKGROUND,
    OPT_KEEP_METADATA,
    OPT_INPUT_PROFILE,
    OPT_OUTPUT_PROFILE,
    OPT_INTENT,
    OPT_KEEP_PROFILE,
    OPT_LINEAR,
    OPT_JPEG_PROGRESSIVE,
    OPT_JPEG_OPTIMIZE,
    OPT_JPEG_SUBSAMPLE,
    OPT_PNG_COMPRESSION,
    OPT_PNG_PALETTE,
    OPT_WEBP_LOSSLESS,
    OPT_WEBP_NEAR_LOSSLESS,
    OPT_WEBP_EFFORT,
    OPT_AVIF_EFFORT,
    OPT_TIMEOUT,
    OPT_MAX_PIXELS,
    OPT_MAX_MEMORY,
    OPT_ALLOW_SVG,
    OPT_ALLOW_PDF,
    OPT_ALLOW_UNTRUSTED,
    OPT_REPORT,
    OPT_PROGRESS,
    OPT_QUIET,
    OPT_FILES_FROM,
    OPT_SHARD,
    OPT_LOCK,
    OPT_PRUNE,
    OPT_GOLDEN,
    OPT_UPDATE_GOLDEN,
    OPT_TOLERANCE,
    OPT_DIFF_DIR,
};

static const struct option long_options[] = {
    {"size", required_argument, NULL, 's'},
    {"crop", required_argument, NULL, OPT_CROP},
    {"no-rotate", no_argument, NULL, OPT_NO_ROTATE},
    {"page", required_argument, NULL, OPT_PAGE},
    {"output", required_argument, NULL, 'o'},
    {"prefix", required_argument, NULL, OPT_PREFIX},
    {"format", required_argument, NULL, 'f'},
    {"quality", required_argument, NULL, 'q'},
    {"background", required_argument, NULL, OPT_BACKGROUND},
    {"keep-metadata", no_argument, NULL, OPT_KEEP_METADATA},
    {"recursive", no_argument, NULL, 'r'},
    {"input-profile", required_argument, NULL, OPT_INPUT_PROFILE},
    {"import-profile", required_argument, NULL, OPT_INPUT_PROFILE},
    {"output-profile", required_argument, NULL, OPT_OUTPUT_PROFILE},
    {"export-profile", required_argument, NULL, OPT_OUTPUT_PROFILE},
    {"intent", required_argument, NULL, OPT_INTENT},
    {"keep-profile", no_argument, NULL, OPT_KEEP_PROFILE},
    {"linear", no_argument, NULL, OPT_LINEAR},
    {"jpeg-progressive", no_argument, NULL, OPT_JPEG_PROGRESSIVE},
    {"jpeg-optimize", no_argument, NULL, OPT_JPEG_OPTIMIZE},
    {"jpeg-subsample", required_argument, NULL, OPT_JPEG_SUBSAMPLE},
    {"png-compression", required_argument, NULL, OPT_PNG_COMPRESSION},
    {"png-palette", no_argument, NULL, OPT_PNG_PALETTE},
    {"webp-lossless", no_argument, NULL, OPT_WEBP_LOSSLESS},
    {"webp-near-lossless", no_argument, NULL, OPT_WEBP_NEAR_LOSSLESS},
    {"webp-effort", required_argument, NULL, OPT_WEBP_EFFORT},
    {"avif-effort", required_argument, NULL, OPT_AVIF_EFFORT},
    {"jobs", required_argument, NULL, 'j'},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"max-pixels", required_argument, NULL, OPT_MAX_PIXELS},
    {"max-memory", required_argument, NULL, OPT_MAX_MEMORY},
    {"allow-svg", no_argument, NULL, OPT_ALLOW_SVG},
    {"allow-pdf", no_argument, NULL, OPT_ALLOW_PDF},
    {"allow-untrusted", no_argument, NULL, OPT_ALLOW_UNTRUSTED},
    {"report", required_argument, NULL, OPT_REPORT},
    {"progress", required_argument, NULL, OPT_PROGRESS},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"files-from", required_argument, NULL, OPT_FILES_FROM},
    {"null", no_argument, NULL, '0'},
    {"update", no_argument, NULL, 'u'},
    {"dry-run", no_argument, NULL, 'n'},
    {"prune", no_argument, NULL, OPT_PRUNE},
    {"golden", required_argument, NULL, OPT_GOLDEN},
    {"update-golden", no_argument, NULL, OPT_UPDATE_GOLDEN},
    {"diff-dir", required_argument, NULL, OPT_DIFF_DIR},
    {"max-diff", required_argument, NULL, OPT_TOLERANCE},
    {"min-psnr", required_argument, NULL, OPT_TOLERANCE},
    {"fuzz", required_argument, NULL, OPT_TOLERANCE},
    {"max-fraction", required_argument, NULL, OPT_TOLERANCE},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"lock", required_argument, NULL, OPT_LOCK},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

/* ---- values ------------------------------------------------------------ */

/* Prints "imgbatch: invalid --OPTION 'VALUE': WANT" and the help hint. */
static int invalid(const char *option, const char *value, const char *want)
{
    fprintf(stderr,
            "imgbatch: invalid %s '%s': %s\n"
            "Try 'imgbatch --help' for more information.\n",
            option, value, want);
    return -1;
}

static int usage_error(const char *message)
{
    fprintf(stderr,
            "imgbatch: %s\nTry 'imgbatch --help' for more information.\n",
            message);
    return -1;
}

static int parse_integer(const char *text, const char *option, long long min,
                         long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max) {
        char want[96];
        snprintf(want, sizeof(want),
                 "expected a whole number from %lld to %lld", min, max);
        return invalid(option, text, want);
    }
    *out = v;
    return 0;
}

static int parse_int(const char *text, const char *option, int min, int max,
                     int *out)
{
    long long v;
    if (parse_integer(text, option, min, max, &v))
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_seconds(const char *text, const char *option, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !(v >= 0) || v > 1e7)
        return invalid(option, text, "expected seconds (0 = none)");
    *out = v;
    return 0;
}

/* Looks text up in names (NULL-terminated); *out is its index. */
static int parse_choice(const char *text, const char *option,
                        const char *const *names, const char *want, int *out)
{
    for (int i = 0; names[i]; i++)
        if (strcmp(text, names[i]) == 0) {
            *out = i;
            return 0;
        }
    return invalid(option, text, want);
}

static int parse_crop(const char *text, enum ib_crop *out)
{
    static const char *const names[] = {"none",    "centre", "attention",
                                        "entropy", "center", NULL};
    int i;
    if (parse_choice(text, "--crop", names,
                     "expected none, centre, attention or entropy", &i))
        return -1;
    *out = i == 4 ? IB_CROP_CENTRE : (enum ib_crop)i;
    return 0;
}

static int parse_geometry(const char *text, struct ib_geometry *g)
{
    char why[128];
    if (ib_geometry_parse(text, g, why, sizeof(why)) == 0)
        return 0;
    fprintf(stderr,
            "imgbatch: invalid geometry '%s': %s\n"
            "Try 'imgbatch --help' for more information.\n",
            text, why);
    return -1;
}

static int parse_format(const char *text, enum ib_format *f)
{
    *f = ib_format_from_name(text);
    if (*f != IB_FMT_KEEP)
        return 0;
    return invalid("--format", text,
                   "expected jpg, png, webp, avif, tif, gif, jxl or heic");
}

static int parse_prefix(const char *text, const char **prefix)
{
    if (strchr(text, '/'))
        return invalid("--prefix", text, "it may not contain '/'");
    *prefix = text;
    return 0;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* #rgb or #rrggbb. */
static int parse_hex_colour(const char *hex, double rgb[3])
{
    size_t n = strlen(hex);
    if (n != 3 && n != 6)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (hex_digit(hex[i]) < 0)
            return -1;
    for (int c = 0; c < 3; c++)
        rgb[c] = n == 3
                     ? hex_digit(hex[c]) * 17
                     : hex_digit(hex[2 * c]) * 16 + hex_digit(hex[2 * c + 1]);
    return 0;
}

/* R,G,B, each 0-255. */
static int parse_rgb_triple(const char *text, double rgb[3])
{
    int r, g, b, used = 0;
    if (sscanf(text, "%d,%d,%d%n", &r, &g, &b, &used) != 3 ||
        text[used] != '\0')
        return -1;
    if (r < 0 || r > 255 || g < 0 || g > 255 || b < 0 || b > 255)
        return -1;
    rgb[0] = r, rgb[1] = g, rgb[2] = b;
    return 0;
}

static int parse_background(const char *text, double rgb[3])
{
    static const struct {
        const char *name;
        double rgb[3];
    } named[] = {
        {"white", {255, 255, 255}}, {"black", {0, 0, 0}},
        {"grey", {128, 128, 128}},  {"gray", {128, 128, 128}},
        {"red", {255, 0, 0}},       {"green", {0, 128, 0}},
        {"blue", {0, 0, 255}},
    };
    for (size_t i = 0; i < sizeof(named) / sizeof(named[0]); i++)
        if (strcasecmp(text, named[i].name) == 0) {
            memcpy(rgb, named[i].rgb, sizeof(named[i].rgb));
            return 0;
        }
    if ((text[0] == '#' && parse_hex_colour(text + 1, rgb) == 0) ||
        parse_rgb_triple(text, rgb) == 0)
        return 0;
    return invalid("--background", text,
                   "expected a name (white, black, ...), #rrggbb or R,G,B");
}

/* ---- options by concern ------------------------------------------------ */

/* Each returns 0 when it handled opt, -1 on a usage error, 1 when opt is
 * not one of its own. */

static int size_option(int opt, const char *arg, struct ib_settings *s)
{
    switch (opt) {
    case 's': return parse_geometry(arg, &s->geometry);
    case OPT_CROP: return parse_crop(arg, &s->crop);
    case OPT_NO_ROTATE: s->no_rotate = 1; return 0;
    case OPT_PAGE: return parse_int(arg, "--page", 0, 100000, &s->page);
    default: return 1;
    }
}

static int output_option(int opt, const char *arg, struct cli *c)
{
    struct ib_settings *s = &c->settings;
    switch (opt) {
    case 'o': s->outdir = arg; return 0;
    case OPT_PREFIX: return parse_prefix(arg, &s->prefix);
    case 'f': return parse_format(arg, &s->format);
    case 'q': return parse_int(arg, "--quality", 1, 100, &s->quality);
    case OPT_BACKGROUND: return parse_background(arg, s->background);
    case OPT_KEEP_METADATA: s->keep_metadata = 1; return 0;
    case 'r': c->recursive = 1; return 0;
    default: return 1;
    }
}

static int colour_option(int opt, const char *arg, struct ib_colour *c)
{
    static const char *const intents[] = {"perceptual", "relative",
                                          "saturation", "absolute", NULL};
    int i;
    switch (opt) {
    case OPT_INPUT_PROFILE: c->input_profile = arg; return 0;
    case OPT_OUTPUT_PROFILE: c->output_profile = arg; return 0;
    case OPT_KEEP_PROFILE: c->keep_profile = 1; return 0;
    case OPT_LINEAR: c->linear = 1; return 0;
    case OPT_INTENT:
        if (parse_choice(arg, "--intent", intents,
                         "expected perceptual, relative, saturation or "
                         "absolute",
                         &i))
            return -1;
        c->intent = (enum ib_intent)i;
        return 0;
    default: return 1;
    }
}

static int encoder_option(int opt, const char *arg, struct ib_encoder *e)
{
    static const char *const subsample[] = {"auto", "on", "off", NULL};
    int i;
    switch (opt) {
    case OPT_JPEG_PROGRESSIVE: e->jpeg_progressive = 1; return 0;
    case OPT_JPEG_OPTIMIZE: e->jpeg_optimize = 1; return 0;
    case OPT_JPEG_SUBSAMPLE:
        if (parse_choice(arg, "--jpeg-subsample", subsample,
                         "expected auto, on or off", &i))
            return -1;
        e->jpeg_subsample = (enum ib_subsample)i;
        return 0;
    case OPT_PNG_COMPRESSION:
        return parse_int(arg, "--png-compression", 0, 9, &e->png_compression);
    case OPT_PNG_PALETTE: e->png_palette = 1; return 0;
    case OPT_WEBP_LOSSLESS: e->webp_lossless = 1; return 0;
    case OPT_WEBP_NEAR_LOSSLESS: e->webp_near_lossless = 1; return 0;
    case OPT_WEBP_EFFORT:
        return parse_int(arg, "--webp-effort", 0, 6, &e->webp_effort);
    case OPT_AVIF_EFFORT:
        return parse_int(arg, "--avif-effort", 0, 9, &e->avif_effort);
    default: return 1;
    }
}

/* A byte count with an optional K, M or G suffix (powers of 1024). */
static int parse_size(const char *text, const char *option, long long *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    double unit = 1;
    switch (*end) {
    case 'k':
    case 'K':
        unit = 1024.0;
        end++;
        break;
    case 'm':
    case 'M':
        unit = 1024.0 * 1024;
        end++;
        break;
    case 'g':
    case 'G':
        unit = 1024.0 * 1024 * 1024;
        end++;
        break;
    default: break;
    }
    if (end == text || *end || errno || v < 0 || v * unit > 1e18) {
        fprintf(stderr,
                "imgbatch: invalid %s '%s': expected a size such as 512M\n",
                option, text);
        return -1;
    }
    *out = (long long)(v * unit);
    return 0;
}

static int safety_option(int opt, const char *arg, struct ib_settings *s)
{
    long long n;
    switch (opt) {
    case 'j': return parse_int(arg, "--jobs", 1, MAX_JOBS, &s->jobs);
    case OPT_TIMEOUT: return parse_seconds(arg, "--timeout", &s->timeout_s);
    case OPT_MAX_PIXELS:
        if (parse_integer(arg, "--max-pixels", 0, LLONG_MAX, &n))
            return -1;
        s->max_pixels = n;
        return 0;
    case OPT_MAX_MEMORY: return parse_size(arg, "--max-memory", &s->max_memory);
    case OPT_ALLOW_SVG: s->loaders.allow_svg = 1; return 0;
    case OPT_ALLOW_PDF: s->loaders.allow_pdf = 1; return 0;
    case OPT_ALLOW_UNTRUSTED: s->loaders.allow_untrusted = 1; return 0;
    default: return 1;
    }
}

static int reporting_option(int opt, const char *arg, struct cli *c)
{
    static const char *const when[] = {"auto", "always", "never", NULL};
    int i;
    switch (opt) {
    case OPT_REPORT: c->report_path = arg; return 0;
    case OPT_PROGRESS:
        if (parse_choice(arg, "--progress", when,
                         "expected auto, always or never", &i))
            return -1;
        c->progress = (enum progress_when)i;
        return 0;
    case OPT_QUIET: c->quiet = 1; return 0;
    case 'v': c->verbose = 1; return 0;
    default: return 1;
    }
}

static const char *plain_getenv(const char *name)
{
    return getenv(name);
}

static int input_option(int opt, const char *arg, struct cli *c)
{
    char why[192];
    switch (opt) {
    case OPT_FILES_FROM: c->files_from = arg; return 0;
    case '0': c->nul_separated = 1; return 0;
    case 'u': c->settings.update = 1; return 0;
    case 'n': c->settings.dry_run = 1; return 0;
    case OPT_PRUNE: c->settings.prune = 1; return 0;
    case OPT_GOLDEN: c->settings.golden_dir = arg; return 0;
    case OPT_UPDATE_GOLDEN: c->settings.update_golden = 1; return 0;
    case OPT_DIFF_DIR: c->settings.diff_dir = arg; return 0;
    case OPT_SHARD:
        if (ib_shard_parse(arg, plain_getenv, &c->settings.shard, why,
                           sizeof(why))) {
            fprintf(stderr, "imgbatch: invalid --shard '%s': %s\n", arg, why);
            return -1;
        }
        return 0;
    case OPT_LOCK: c->lock_path = arg; return 0;
    default: return 1;
    }
}

/* Returns 0 to go on, 1 when the option asked to exit (help, version),
 * -1 on a usage error. */
static int apply_option(int opt, const char *arg, struct cli *c)
{
    struct ib_settings *s = &c->settings;
    int rc;
    if ((rc = size_option(opt, arg, s)) <= 0 ||
        (rc = output_option(opt, arg, c)) <= 0 ||
        (rc = colour_option(opt, arg, &s->colour)) <= 0 ||
        (rc = encoder_option(opt, arg, &s->encoder)) <= 0 ||
        (rc = safety_option(opt, arg, s)) <= 0 ||
        (rc = input_option(opt, arg, c)) <= 0 ||
        (rc = reporting_option(opt, arg, c)) <= 0)
        return rc;
    if (opt == 'h') {
        fputs(usage_text, stdout);
        fputs(usage_text_2, stdout);
        return 1;
    }
    if (opt == 'V') {
        printf("imgbatch %s\n", IMGBATCH_VERSION);
        return 1;
    }
    fprintf(stderr, "Try 'imgbatch --help' for more information.\n");
    return -1;
}

static int default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MAX_JOBS ? MAX_JOBS : (int)n;
}

static int check_combination(const struct cli *c)
{
    const struct ib_settings *s = &c->settings;
    if (!s->prefix[0] && !s->outdir)
        return usage_error("an empty --prefix needs --output: outputs would "
                           "replace their inputs");
    if (s->colour.keep_profile && s->colour.output_profile)
        return usage_error("--keep-profile and --output-profile cannot be "
                           "combined");
    if (c->npaths == 0 && !c->files_from)
        return usage_error("no PATH given (or --files-from)");
    if (s->diff_dir && !s->golden_dir)
        return usage_error("--diff-dir needs --golden DIR");
    if (s->update_golden && !s->golden_dir)
        return usage_error("--update-golden needs --golden DIR");
    if (c->settings.prune && !c->settings.update)
        return usage_error("--prune needs -u (it works from -u's records)");
    if (c->nul_separated && !c->files_from)
        return usage_error("-0 needs --files-from");
    return 0;
}

enum cli_parse_result cli_parse(int argc, char **argv, struct cli *c)
{
    memset(c, 0, sizeof(*c));
    ib_settings_defaults(&c->settings);
    c->settings.shard.count = 1;
    int opt, index = 0;
    while ((opt = getopt_long(argc, argv, "s:o:f:q:rj:vhV0un", long_options,
                              &index)) != -1) {
        /* The four tolerance options share one code: the name tells. */
        int rc = opt == OPT_TOLERANCE
                     ? tolerance_option(long_options[index].name, optarg,
                                        &c->settings.tolerance)
                     : apply_option(opt, optarg, c);
        if (rc > 0)
            return CLI_EXIT_OK;
        if (rc < 0)
            return CLI_USAGE_ERROR;
    }
    if (!c->settings.jobs)
        c->settings.jobs = default_jobs();
    c->paths = argv + optind;
    c->npaths = argc - optind;
    if (check_combination(c))
        return CLI_USAGE_ERROR;
    return CLI_RUN;
}
