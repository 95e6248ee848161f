/* SPDX-License-Identifier: MIT */
/* Options declared once, in a table (as git's parse-options): each entry
 * has its names, its argument, its help text, how its value is parsed and
 * checked, and where it goes. The getopt table, --help, the one format of
 * usage error, and (at build time, gendocs.c) the man page and the shell
 * completions all come from it.
 *
 * A usage error is always two lines on stderr:
 *
 *   imgbatch: invalid --quality '0': expected a whole number from 1 to 100
 *   Try 'imgbatch --help' for more information. */
#ifndef IMGBATCH_CMD_OPT_H
#define IMGBATCH_CMD_OPT_H

#include <stddef.h>
#include <stdio.h>

struct opt;

/* Parses arg into field (the target struct plus the entry's offset). 0,
 * or -1 with what was expected in why ("a whole number from 1 to 100"). */
typedef int (*opt_parse_fn)(const struct opt *o, const char *arg, void *field,
                            char *why, size_t why_len);

/* What a shell may complete the argument with. */
enum opt_complete {
    OPT_COMPLETE_NONE,
    OPT_COMPLETE_FILE,
    OPT_COMPLETE_DIR,
    OPT_COMPLETE_VALUES, /* the entry's values */
};

enum opt_flags {
    OPT_HIDDEN = 1,     /* an alias: accepted, not listed */
    OPT_EXIT = 2,       /* --help, --version: the caller acts and exits */
    OPT_REPEATABLE = 4, /* may be given more than once (--variant) */
    OPT_LIST = 8,       /* takes a comma-separated list */
    /* Its argument may be left out (--keep-metadata, --sharpen): then
     * the parser is called with NULL. Given only as --name=VALUE, so a
     * PATH after it is never taken for its value. */
    OPT_OPTIONAL = 16,
};

/* Which of a parse's targets an entry sets: the run's settings, or those
 * of its outputs (which a --variant or a recipe's variant may set again
 * for its own). */
enum opt_scope { OPT_RUN, OPT_OUTPUT, OPT_SCOPES };

struct opt {
    const char *name;   /* long name, without the dashes */
    int key;            /* short option letter, or 0 */
    const char *arg;    /* the argument's name in help ("N"); NULL: a flag */
    const char *help;   /* one paragraph; '\n' starts an indented line */
    int group;          /* index into the table's group titles */
    opt_parse_fn parse; /* NULL: a flag, which sets an int to 1 */
    size_t offset;      /* of the field in the target */
    long long min, max; /* for the numeric parsers */
    const char *const *values; /* choices, NULL-terminated; or NULL */
    const char *what;          /* in messages; NULL: "--name" */
    enum opt_complete complete;
    unsigned flags;
    enum opt_scope scope;
};

struct opt_table {
    const char *program; /* "imgbatch", "imgbatch compare" */
    const struct opt *opts;
    size_t n;
    const char *const *groups; /* titles, by group index */
};

/* Where a parse writes: a target per scope. A NULL target refuses the
 * options of its scope. context, when set, starts every message ("variant
 * 'x': ", "recipe 'r' line 3: "). */
struct opt_targets {
    void *target[OPT_SCOPES];
    const char *context;
};

/* Parses the options of argv into the targets. An option that takes a
 * value may be given once (but OPT_REPEATABLE ones). 1 and *exit_opt set
 * when an OPT_EXIT option came (nothing after it is parsed); 0 with
 * *first_operand set when every option parsed; -1 after printing a usage
 * error. */
int opt_parse(const struct opt_table *t, int argc, char **argv,
              const struct opt_targets *to, const struct opt **exit_opt,
              int *first_operand);

/* Sets the option named name (its long name) to value (NULL for a flag),
 * as if given: for a recipe. 0, or -1 after printing a usage error. */
int opt_set(const struct opt_table *t, const char *name, const char *value,
            const struct opt_targets *to);

/* Prints "PROGRAM: [CONTEXT]MESSAGE" and the Try line on stderr; returns
 * -1. context may be NULL. */
int opt_usage_error(const struct opt_table *t, const char *context,
                    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Splits text into words as a shell would (blanks between words, '...'
 * and "..." quoting, \ escaping), each stored in the arena; words[0] is
 * argv0. *nwords is set; the array is malloc'd (the caller frees it). 0,
 * or -1 with why (an unclosed quote). */
struct ib_arena;
int opt_split_words(const char *text, const char *argv0, struct ib_arena *a,
                    char ***words, int *nwords, char *why, size_t why_len);

/* Prints the options, group by group, for --help. */
void opt_print_help(const struct opt_table *t, FILE *f);

/* "--name" or "-k, --name": how an entry is written in help. */
void opt_format_names(const struct opt *o, char *buf, size_t len);

/* ---- parsers ------------------------------------------------------------ */

/* A whole number from o->min to o->max, into an int (or a long long for
 * opt_long). */
int opt_int(const struct opt *o, const char *arg, void *field, char *why,
            size_t why_len);
int opt_long(const struct opt *o, const char *arg, void *field, char *why,
             size_t why_len);
/* A number of seconds, 0 or more: a double. */
int opt_seconds(const struct opt *o, const char *arg, void *field, char *why,
                size_t why_len);
/* A byte count with an optional K, M or G suffix: a long long. */
int opt_bytes(const struct opt *o, const char *arg, void *field, char *why,
              size_t why_len);
/* A decimal number from o->min to o->max, into a double: in decibels, or
 * a fraction. */
int opt_decibels(const struct opt *o, const char *arg, void *field, char *why,
                 size_t why_len);
int opt_fraction(const struct opt *o, const char *arg, void *field, char *why,
                 size_t why_len);
/* One of o->values: its index, into an int. */
int opt_choice(const struct opt *o, const char *arg, void *field, char *why,
               size_t why_len);
/* The argument itself: a const char * into argv. */
int opt_string(const struct opt *o, const char *arg, void *field, char *why,
               size_t why_len);

#endif
