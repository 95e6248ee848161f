#define _GNU_SOURCE
#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "imgbatch/version.h"

#define MAX_JOBS 1024

static const char usage_text[] =
    "Usage: imgbatch [OPTION]... PATH...\n"
    "Resize every image in PATH (files and directories) into <prefix><name>.\n"
    "\n"
    "  -s, --size GEOMETRY   target size (default 100x100):\n"
    "                          WxH   fit inside WxH, keep the aspect ratio\n"
    "                          W, Wx set the width; xH sets the height\n"
    "                          WxH!  exactly WxH, ignore the aspect ratio\n"
    "                          WxH^  cover WxH, keep the aspect ratio\n"
    "                          WxH> only shrink; WxH< only enlarge\n"
    "                          N%, W%xH%  scale; N@  at most N pixels\n"
    "      --crop MODE       fill WxH and crop to it: centre, attention,\n"
    "                        entropy\n"
    "  -o, --output DIR      write under DIR, mirroring each input's path\n"
    "                        below its PATH (default: beside the input)\n"
    "      --prefix PREFIX   output name prefix (default resized_)\n"
    "  -f, --format FORMAT   jpg, png, webp, avif, tif, gif, jxl or heic\n"
    "                        (default: the input's)\n"
    "  -q, --quality N       quality of lossy formats, 1-100 (default 85)\n"
    "  -r, --recursive       descend into subdirectories\n"
    "      --no-rotate       keep pixels as stored (ignore EXIF orientation)\n"
    "  -j, --jobs N          worker processes (default: online CPUs)\n"
    "      --timeout SECONDS give up on a file after this long (default\n"
    "                        300; 0 = never)\n"
    "      --max-pixels N    refuse images larger than N pixels, checked\n"
    "                        before decoding (default 268402689; 0 = none)\n"
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
    "workers), 130 interrupted by SIGINT, 143 by SIGTERM.\n";

enum long_only {
    OPT_PREFIX = 256,
    OPT_CROP,
    OPT_NO_ROTATE,
    OPT_TIMEOUT,
    OPT_MAX_PIXELS,
    OPT_REPORT,
    OPT_PROGRESS,
    OPT_QUIET,
};

static const struct option long_options[] = {
    {"size", required_argument, NULL, 's'},
    {"output", required_argument, NULL, 'o'},
    {"prefix", required_argument, NULL, OPT_PREFIX},
    {"format", required_argument, NULL, 'f'},
    {"quality", required_argument, NULL, 'q'},
    {"recursive", no_argument, NULL, 'r'},
    {"crop", required_argument, NULL, OPT_CROP},
    {"no-rotate", no_argument, NULL, OPT_NO_ROTATE},
    {"jobs", required_argument, NULL, 'j'},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"max-pixels", required_argument, NULL, OPT_MAX_PIXELS},
    {"report", required_argument, NULL, OPT_REPORT},
    {"progress", required_argument, NULL, OPT_PROGRESS},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

static int usage_error(const char *fmt, const char *a, const char *b)
{
    fprintf(stderr, "imgbatch: ");
    fprintf(stderr, fmt, a, b);
    fprintf(stderr, "\nTry 'imgbatch --help' for more information.\n");
    return -1;
}

static int parse_long(const char *text, const char *option, long long min,
                      long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end || v < min || v > max) {
        char range[96];
        snprintf(range, sizeof(range),
                 "expected a whole number from %lld "
                 "to %lld",
                 min, max);
        char what[64];
        snprintf(what, sizeof(what), "invalid %s '%%s': %%s", option);
        return usage_error(what, text, range);
    }
    *out = v;
    return 0;
}

static int parse_seconds(const char *text, const char *option, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !(v >= 0) || v > 1e7)
        return usage_error("invalid %s '%s': expected seconds (0 = none)",
                           option, text);
    *out = v;
    return 0;
}

static int parse_int_option(const char *text, const char *option, int min,
                            int max, int *out)
{
    long long v;
    if (parse_long(text, option, min, max, &v))
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_crop(const char *text, enum ib_crop *out)
{
    static const struct {
        const char *name;
        enum ib_crop crop;
    } crops[] = {{"none", IB_CROP_NONE},
                 {"centre", IB_CROP_CENTRE},
                 {"center", IB_CROP_CENTRE},
                 {"attention", IB_CROP_ATTENTION},
                 {"entropy", IB_CROP_ENTROPY}};
    for (size_t i = 0; i < sizeof(crops) / sizeof(crops[0]); i++)
        if (strcmp(text, crops[i].name) == 0) {
            *out = crops[i].crop;
            return 0;
        }
    return usage_error("invalid --crop '%s'%s: expected none, centre, "
                       "attention or entropy",
                       text, "");
}

static int parse_progress(const char *text, enum progress_when *out)
{
    if (strcmp(text, "auto") == 0)
        *out = PROGRESS_AUTO;
    else if (strcmp(text, "always") == 0)
        *out = PROGRESS_ALWAYS;
    else if (strcmp(text, "never") == 0)
        *out = PROGRESS_NEVER;
    else
        return usage_error("invalid --progress '%s'%s: expected auto, "
                           "always or never",
                           text, "");
    return 0;
}

static int parse_geometry(const char *text, struct ib_geometry *g)
{
    char why[128];
    if (ib_geometry_parse(text, g, why, sizeof(why)) == 0)
        return 0;
    return usage_error("invalid geometry '%s': %s", text, why);
}

static int parse_format(const char *text, enum ib_format *f)
{
    *f = ib_format_from_name(text);
    if (*f != IB_FMT_KEEP)
        return 0;
    return usage_error("invalid --format '%s'%s: expected jpg, png, webp, "
                       "avif, tif, gif, jxl or heic",
                       text, "");
}

static int parse_prefix(const char *text, const char **prefix)
{
    if (strchr(text, '/'))
        return usage_error("invalid --prefix '%s'%s: it may not contain '/'",
                           text, "");
    *prefix = text;
    return 0;
}

/* Returns 0 to go on, 1 when the option asked to exit (help, version),
 * -1 on a usage error. */
static int apply_option(int opt, const char *arg, struct cli *c)
{
    struct ib_settings *s = &c->settings;
    long long n;
    switch (opt) {
    case 's': return parse_geometry(arg, &s->geometry);
    case 'o': s->outdir = arg; return 0;
    case OPT_PREFIX: return parse_prefix(arg, &s->prefix);
    case 'f': return parse_format(arg, &s->format);
    case 'q': return parse_int_option(arg, "--quality", 1, 100, &s->quality);
    case 'r': c->recursive = 1; return 0;
    case OPT_CROP: return parse_crop(arg, &s->crop);
    case OPT_NO_ROTATE: s->no_rotate = 1; return 0;
    case 'j': return parse_int_option(arg, "--jobs", 1, MAX_JOBS, &s->jobs);
    case OPT_TIMEOUT: return parse_seconds(arg, "--timeout", &s->timeout_s);
    case OPT_MAX_PIXELS:
        if (parse_long(arg, "--max-pixels", 0, LLONG_MAX, &n))
            return -1;
        s->max_pixels = n;
        return 0;
    case OPT_REPORT: c->report_path = arg; return 0;
    case OPT_PROGRESS: return parse_progress(arg, &c->progress);
    case OPT_QUIET: c->quiet = 1; return 0;
    case 'v': c->verbose = 1; return 0;
    case 'h': fputs(usage_text, stdout); return 1;
    case 'V': printf("imgbatch %s\n", IMGBATCH_VERSION); return 1;
    default:
        fprintf(stderr, "Try 'imgbatch --help' for more information.\n");
        return -1;
    }
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
        return usage_error("an empty --prefix needs --output%s%s: outputs "
                           "would replace their inputs",
                           "", "");
    if (c->npaths == 0)
        return usage_error("no PATH given%s%s", "", "");
    return 0;
}

enum cli_parse_result cli_parse(int argc, char **argv, struct cli *c)
{
    memset(c, 0, sizeof(*c));
    ib_settings_defaults(&c->settings);
    int opt;
    while ((opt = getopt_long(argc, argv, "s:o:f:q:rj:vhV", long_options,
                              NULL)) != -1) {
        int rc = apply_option(opt, optarg, c);
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
