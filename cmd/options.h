/* Command-line parsing (getopt_long) into settings for the library. */
#ifndef IMGBATCH_CMD_OPTIONS_H
#define IMGBATCH_CMD_OPTIONS_H

#include "imgbatch/settings.h"
#include "imgbatch/shard.h"

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

enum cli_parse_result cli_parse(int argc, char **argv, struct cli *c);

#endif
