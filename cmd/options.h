/* SPDX-License-Identifier: MIT */
/* imgbatch's command line: the option table (opt.h) and the settings it
 * fills for the library. */
#ifndef IMGBATCH_CMD_OPTIONS_H
#define IMGBATCH_CMD_OPTIONS_H

#include <stdio.h>

#include "imgbatch/settings.h"
#include "opt.h"

enum progress_when { PROGRESS_AUTO, PROGRESS_ALWAYS, PROGRESS_NEVER };

struct cli {
    struct ib_settings settings;
    int recursive;
    const char *report_path; /* NULL: no report */
    int quiet;
    int verbose;
    enum progress_when progress;
    const char *files_from; /* NULL, a file, or "-" for stdin */
    int nul_separated;      /* -0: the list is NUL-separated */
    const char *lock_path;  /* NULL: no lock */
    char **paths;
    int npaths;
};

enum cli_parse_result { CLI_RUN, CLI_EXIT_OK, CLI_USAGE_ERROR };

/* The table: for the parser here, and for gendocs.c (man page and
 * completions). */
extern const struct opt_table cli_options;

enum cli_parse_result cli_parse(int argc, char **argv, struct cli *c);

/* The whole --help text. */
void cli_print_help(FILE *f);

#endif
