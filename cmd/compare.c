/* The compare subcommand. It runs no pool, so this process loads the vips
 * module (vipsmodule.h) and starts libvips itself; the batch's parent
 * still never does. */
#define _GNU_SOURCE
#include "compare.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "exitcodes.h"
#include "imgbatch/vipsmodule.h"

static const char compare_usage[] =
    "Usage: imgbatch compare [OPTION]... EXPECTED ACTUAL\n"
    "Compare two images by decoded pixels (8-bit sRGB with alpha).\n"
    "\n"
    "      --max-diff N      largest allowed channel difference, 0-255\n"
    "                        (default 48)\n"
    "      --min-psnr DB     smallest allowed PSNR (default 33)\n"
    "      --fuzz N          a pixel differs when a channel differs by more\n"
    "                        than N (default 16)\n"
    "      --max-fraction F  largest allowed fraction of differing pixels,\n"
    "                        0-1 (default 0.02)\n"
    "  -h, --help            show this help and exit\n"
    "\n"
    "Exit status: 0 match, 1 mismatch, 2 an image could not be read or a\n"
    "usage error.\n";

static int bad_value(const char *name, const char *value, const char *want)
{
    fprintf(stderr, "imgbatch: invalid --%s '%s': expected %s\n", name, value,
            want);
    return -1;
}

static int parse_number(const char *value, double min, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(value, &end);
    if (errno || end == value || *end || !(v >= min && v <= max))
        return -1;
    *out = v;
    return 0;
}

int tolerance_option(const char *name, const char *value,
                     struct ib_tolerance *t)
{
    double v;
    if (strcmp(name, "max-diff") == 0) {
        if (parse_number(value, 0, 255, &v) || v != floor(v))
            return bad_value(name, value, "a whole number from 0 to 255");
        t->max_diff = (int)v;
    } else if (strcmp(name, "fuzz") == 0) {
        if (parse_number(value, 0, 255, &v) || v != floor(v))
            return bad_value(name, value, "a whole number from 0 to 255");
        t->fuzz = (int)v;
    } else if (strcmp(name, "min-psnr") == 0) {
        if (parse_number(value, 0, 1000, &v))
            return bad_value(name, value, "decibels from 0 to 1000");
        t->min_psnr = v;
    } else if (strcmp(name, "max-fraction") == 0) {
        if (parse_number(value, 0, 1, &v))
            return bad_value(name, value, "a fraction from 0 to 1");
        t->max_fraction = v;
    } else {
        return -1;
    }
    return 0;
}

static int report(const struct ib_vips_api *vips, const char *expected,
                  const char *actual, const struct ib_tolerance *t)
{
    struct ib_comparison c;
    char err[1024], text[256];
    if (vips->compare_files(expected, actual, t, &c, err, sizeof(err)) != 0) {
        fprintf(stderr, "imgbatch: %s\n", err);
        return EXIT_SETUP;
    }
    ib_comparison_describe(&c, t, text, sizeof(text));
    if (c.pass) {
        printf("match: %s\n", text);
        return EXIT_ALL_DONE;
    }
    printf("mismatch (%s): %s\n", c.failed_on, text);
    return EXIT_SOME_FAILED;
}

int compare_main(int argc, char **argv)
{
    static const struct option options[] = {
        {"max-diff", required_argument, NULL, 1},
        {"min-psnr", required_argument, NULL, 1},
        {"fuzz", required_argument, NULL, 1},
        {"max-fraction", required_argument, NULL, 1},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct ib_tolerance t;
    ib_tolerance_defaults(&t);
    int opt, index;
    while ((opt = getopt_long(argc, argv, "h", options, &index)) != -1) {
        if (opt == 'h') {
            fputs(compare_usage, stdout);
            return EXIT_ALL_DONE;
        }
        if (opt != 1 ||
            tolerance_option(options[index].name, optarg, &t) != 0) {
            fprintf(stderr, "Try 'imgbatch compare --help'.\n");
            return EXIT_SETUP;
        }
    }
    if (argc - optind != 2) {
        fprintf(stderr, "imgbatch: compare needs EXPECTED and ACTUAL\n"
                        "Try 'imgbatch compare --help'.\n");
        return EXIT_SETUP;
    }
    char err[1024];
    const struct ib_vips_api *vips = ib_vips_module_load(err, sizeof(err));
    if (!vips) {
        fprintf(stderr, "imgbatch: %s\n", err);
        return EXIT_SETUP;
    }
    if (vips->start() != 0) {
        fprintf(stderr, "imgbatch: cannot start libvips\n");
        return EXIT_SETUP;
    }
    return report(vips, argv[optind], argv[optind + 1], &t);
}
