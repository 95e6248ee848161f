/* SPDX-License-Identifier: MIT */
/* The compare subcommand. It runs no pool, so this process loads the vips
 * module (vipsmodule.h) and starts libvips itself; the batch's parent
 * still never does. Its options come from a table of its own, whose
 * tolerance entries are the batch's (tolerance_opts.h). */
#define _GNU_SOURCE
#include "compare.h"

#include <stdio.h>

#include "exitcodes.h"
#include "imgbatch/vipsmodule.h"
#include "opt.h"
#include "tolerance_opts.h"

static const struct opt options[] = {
    TOLERANCE_OPTS(0, 0),
    {.name = "help",
     .key = 'h',
     .flags = OPT_EXIT,
     .help = "show this help and exit"},
};

const struct opt_table compare_options = {
    .program = "imgbatch compare",
    .opts = options,
    .n = sizeof(options) / sizeof(options[0]),
};

static void print_help(void)
{
    fputs("Usage: imgbatch compare [OPTION]... EXPECTED ACTUAL\n"
          "Compare two images by decoded pixels (8-bit sRGB with alpha).\n"
          "\n",
          stdout);
    opt_print_help(&compare_options, stdout);
    fputs("\n"
          "Exit status: 0 match, 1 mismatch, 2 an image could not be read or "
          "a\n"
          "usage error.\n",
          stdout);
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
    printf("mismatch (%s): %s\n", ib_limit_name(c.failed), text);
    return EXIT_SOME_FAILED;
}

int compare_main(int argc, char **argv)
{
    struct ib_tolerance t;
    ib_tolerance_defaults(&t);
    const struct opt *exit_opt;
    int first;
    struct opt_targets to = {{&t, NULL}, NULL};
    int rc = opt_parse(&compare_options, argc, argv, &to, &exit_opt, &first);
    if (rc < 0)
        return EXIT_SETUP;
    if (rc > 0) {
        print_help();
        return EXIT_ALL_DONE;
    }
    if (argc - first != 2) {
        opt_usage_error(&compare_options, NULL,
                        "compare needs EXPECTED and ACTUAL");
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
    return report(vips, argv[first], argv[first + 1], &t);
}
