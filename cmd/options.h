/* SPDX-License-Identifier: MIT */
/* imgbatch's command line: the option table (opt.h), and the settings it
 * fills for the library, with the renditions the size and format lists,
 * the --variant specs and a --recipe make. */
#ifndef IMGBATCH_CMD_OPTIONS_H
#define IMGBATCH_CMD_OPTIONS_H

#include <stdio.h>

#include "imgbatch/alloc.h"
#include "imgbatch/settings.h"
#include "opt.h"
#include "values.h"

enum progress_when { PROGRESS_AUTO, PROGRESS_ALWAYS, PROGRESS_NEVER };

enum crop_mode { CROP_NONE, CROP_CENTRE, CROP_ATTENTION, CROP_ENTROPY };

/* What the options of one scope (the command line with a recipe's
 * defaults, or one variant) say about outputs. Options not given keep
 * the values they inherit. */
struct output_opts {
    struct ib_rendition r; /* all but its size, format, fit and gravity */
    struct size_list sizes;
    struct format_list formats;
    int fit;  /* enum ib_fit; -1: not given */
    int crop; /* enum crop_mode */
    struct gravity_value gravity;
};

struct cli {
    struct ib_settings settings;
    struct output_opts out; /* the command line's, the variants' defaults */
    struct string_list variant_specs; /* --variant, as given */
    const char *recipe;               /* --recipe FILE */
    int recursive;
    const char *report_path; /* NULL: no report */
    int quiet;
    int verbose;
    enum progress_when progress;
    const char *files_from; /* NULL, a file, or "-" for stdin */
    int nul_separated;      /* -0: the list is NUL-separated */
    const char *lock_path;  /* NULL: no lock */
    double lock_wait;       /* --lock-wait seconds; -1: not given */
    int golden_orphans;     /* --golden-orphans */
    char **paths;
    int npaths;
    /* What the renditions and their names point into, freed by
     * cli_free. */
    struct ib_rendition *renditions;
    struct ib_arena strings;
};

enum cli_parse_result { CLI_RUN, CLI_EXIT_OK, CLI_USAGE_ERROR };

/* The table: for the parser here, and for gendocs.c (man page and
 * completions). */
extern const struct opt_table cli_options;

enum cli_parse_result cli_parse(int argc, char **argv, struct cli *c);
void cli_free(struct cli *c);

/* The whole --help text. */
void cli_print_help(FILE *f);

#endif
