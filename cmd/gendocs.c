/* SPDX-License-Identifier: MIT */
/* gendocs: the man page and the bash, zsh and fish completions, written at
 * build time from the option tables (cli_options in options.c,
 * compare_options in compare.c). An entry added to a table reaches --help,
 * the man page and the three shells with no other change: nothing below
 * names an option. What no table holds (the description, the exit
 * statuses, the examples) is written here, once.
 *
 *   gendocs DIR DATE   writes DIR/imgbatch.1 (dated DATE), DIR/imgbatch.bash,
 *                      DIR/_imgbatch and DIR/imgbatch.fish, each whole or
 *                      not at all
 *
 * Each shell gets the first line of an entry's help as its description,
 * its values (OPT_COMPLETE_VALUES) as the argument's candidates, files or
 * directories for OPT_COMPLETE_FILE and _DIR, and nothing for any other
 * argument (a size, a number: nothing a shell could guess). Hidden entries
 * (aliases) are left out everywhere, as --help leaves them out. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compare.h"
#include "exitcodes.h"
#include "imgbatch/tempfile.h"
#include "imgbatch/version.h"
#include "opt.h"
#include "options.h"

/* A table and the name its completion functions get. */
struct table {
    const struct opt_table *t;
    const char *id;
};

static const struct table tables[] = {
    {&cli_options, "main"},
    {&compare_options, "compare"},
};

#define NTABLES (sizeof(tables) / sizeof(tables[0]))

/* What the command line gives: the man page's date (YYYY-MM-DD; from
 * SOURCE_DATE_EPOCH when set, for a reproducible build). */
struct context {
    const char *date;
};

static int listed(const struct opt *o)
{
    return !(o->flags & OPT_HIDDEN);
}

/* The entry's argument has candidates a shell can list. */
static int has_values(const struct opt *o)
{
    return o->arg && o->complete == OPT_COMPLETE_VALUES && o->values;
}

/* How long the first line of the help is: a shell shows one line. */
static int summary_len(const struct opt *o)
{
    return (int)strcspn(o->help, "\n");
}

/* ---- the man page ------------------------------------------------------ */

/* Text on a roff input line. A backslash is \e; a '-' that starts a word,
 * and every '-' of such a word ("--max-diff"), is \- so that options
 * render and search as typed, while a hyphen inside a word ("multi-page")
 * stays one. A line may not start with a control character. */
static void roff_text(FILE *f, const char *s, size_t len)
{
    int in_option = 0;
    if (len > 0 && (s[0] == '.' || s[0] == '\''))
        fputs("\\&", f);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '-' && (i == 0 || s[i - 1] == ' ' || s[i - 1] == '('))
            in_option = 1;
        else if (s[i] == ' ')
            in_option = 0;
        if (s[i] == '\\')
            fputs("\\e", f);
        else if (s[i] == '-' && in_option)
            fputs("\\-", f);
        else
            fputc(s[i], f);
    }
}

static void roff_line(FILE *f, const char *s)
{
    roff_text(f, s, strlen(s));
    fputc('\n', f);
}

/* Filled text as input lines of at most ROFF_WIDTH bytes (past a long
 * word), broken at spaces: roff joins them again, and a reader of the
 * source (or mandoc -T lint) sees short lines. */
#define ROFF_WIDTH 72

static void roff_fill(FILE *f, const char *s, size_t len)
{
    while (len > ROFF_WIDTH) {
        size_t cut = ROFF_WIDTH;
        while (cut > 0 && s[cut] != ' ')
            cut--;
        if (cut == 0)
            cut = strcspn(s, " ") < len ? strcspn(s, " ") : len;
        roff_text(f, s, cut);
        fputc('\n', f);
        s += cut, len -= cut;
        while (len > 0 && *s == ' ')
            s++, len--;
    }
    roff_text(f, s, len);
    fputc('\n', f);
}

/* "\fB\-s\fR, \fB\-\-size\fR \fIGEOMETRY\fR": the tag of an entry. */
static void man_tag(FILE *f, const struct opt *o)
{
    if (o->key)
        fprintf(f, "\\fB\\-%c\\fR, ", o->key);
    char name[128];
    snprintf(name, sizeof(name), "--%s", o->name);
    fputs("\\fB", f);
    roff_text(f, name, strlen(name));
    fputs("\\fR", f);
    if (o->arg) {
        fputs((o->flags & OPT_OPTIONAL) ? "[=\\fI" : " \\fI", f);
        roff_text(f, o->arg, strlen(o->arg));
        fputs((o->flags & OPT_OPTIONAL) ? "\\fR]" : "\\fR", f);
    }
    fputc('\n', f);
}

/* The help: its first line filled, the lines after it ('\n') as written,
 * for they are aligned lists; then the entry's values. */
static void man_help(FILE *f, const struct opt *o)
{
    const char *rest = o->help + summary_len(o);
    roff_fill(f, o->help, (size_t)summary_len(o));
    if (*rest) {
        fputs(".nf\n", f);
        while (*rest) {
            rest++;
            size_t len = strcspn(rest, "\n");
            roff_text(f, rest, len);
            fputc('\n', f);
            rest += len;
        }
        fputs(".fi\n", f);
    }
    if (!has_values(o))
        return;
    fputs(".br\nNamed values:\n", f);
    for (size_t i = 0; o->values[i]; i++) {
        fputs("\\fB", f);
        roff_text(f, o->values[i], strlen(o->values[i]));
        fputs(o->values[i + 1] ? "\\fR,\n" : "\\fR.\n", f);
    }
}

/* Every listed entry of t, under its group's title as in --help. */
static void man_options(FILE *f, const struct opt_table *t)
{
    int group = -1;
    for (size_t i = 0; i < t->n; i++) {
        const struct opt *o = &t->opts[i];
        if (!listed(o))
            continue;
        if (t->groups && o->group != group && t->groups[o->group])
            fprintf(f, ".SS %s\n", t->groups[o->group]);
        group = o->group;
        fputs(".TP\n", f);
        man_tag(f, o);
        man_help(f, o);
    }
}

/* No hyphenation, no stretched spaces: option names and paths must read
 * as typed. */
static const char man_head[] =
    ".nh\n"
    ".ad l\n"
    ".SH NAME\n"
    "imgbatch \\- resize folders of images with libvips, safely and in "
    "parallel\n"
    ".SH SYNOPSIS\n"
    ".B imgbatch\n"
    "[\\fIOPTION\\fR]... \\fIPATH\\fR...\n"
    ".br\n"
    ".B imgbatch compare\n"
    "[\\fIOPTION\\fR]... \\fIEXPECTED ACTUAL\\fR\n"
    ".SH DESCRIPTION\n"
    "\\fBimgbatch\\fR resizes every image in each \\fIPATH\\fR (a file, or a\n"
    "directory of image files) into a new file named\n"
    "\\fI<prefix><name>\\fR "
    "(\\fBresized_\\fR\\fIname\\fR by default), beside its input or under\n"
    "\\fB\\-\\-output\\fR.\n"
    "Each file is decoded, resized and written by one of a pool of worker\n"
    "processes: a corrupt or hostile image fails alone, with its reason on\n"
    "one line; a worker that crashes or hangs is replaced; an output is\n"
    "never half-written and an input never overwritten.\n"
    ".PP\n"
    "A directory contributes its image files, chosen by extension\n"
    "(jpg, jpeg, png, webp, tif, tiff, gif, heic, heif, avif; svg, svgz\n"
    "and pdf with \\fB\\-\\-allow\\-svg\\fR or \\fB\\-\\-allow\\-pdf\\fR, jxl "
    "with\n"
    "\\fB\\-\\-allow\\-untrusted\\fR);\n"
    "\\fB\\-r\\fR descends into subdirectories.\n"
    "A file named on the command line is taken whatever its extension.\n"
    "Hidden files, imgbatch's own outputs and its temp files are never\n"
    "inputs, and the list is sorted by path.\n"
    "A failure is one line on standard error naming the file and the\n"
    "reason; at the end a summary line counts the files resized, failed and\n"
    "skipped.\n"
    ".SH OPTIONS\n";

static const char man_compare[] =
    ".SH COMPARE\n"
    ".B imgbatch compare\n"
    "[\\fIOPTION\\fR]... \\fIEXPECTED ACTUAL\\fR\n"
    ".PP\n"
    "Compares two images by decoded pixels (8-bit sRGB with alpha, through\n"
    "their colour profiles), as \\fB\\-\\-golden\\fR compares each output\n"
    "with its golden, prints the figures and exits 0 on a match, 1 on a\n"
    "mismatch and 2 when an image cannot be read or on a usage error.\n"
    "Its options:\n";

/* The statuses of exitcodes.h, as --help words them. */
static const struct {
    int code;
    const char *meaning;
} exit_statuses[] = {
    {EXIT_ALL_DONE, "Every input done, or nothing to do."},
    {EXIT_SOME_FAILED, "Some inputs failed."},
    {EXIT_SETUP, "A usage or set-up error: a bad option, an unreadable PATH, "
                 "no workers, every write failing."},
    {EXIT_LOCKED, "The --lock file is held by another run."},
    {EXIT_SIGINT, "Interrupted by SIGINT."},
    {EXIT_SIGTERM, "Interrupted by SIGTERM."},
};

static void man_exit_status(FILE *f)
{
    fputs(".SH EXIT STATUS\n", f);
    for (size_t i = 0; i < sizeof(exit_statuses) / sizeof(exit_statuses[0]);
         i++) {
        fprintf(f, ".TP\n.B %d\n", exit_statuses[i].code);
        roff_fill(f, exit_statuses[i].meaning,
                  strlen(exit_statuses[i].meaning));
    }
}

/* What each example does, then the command. */
static const char *const examples[][2] = {
    {"Fit every image of photos/ into 100x100, as photos/resized_*:",
     "imgbatch photos/"},
    {"Exactly 100x100, whatever the aspect ratio, as WebP, into thumbs/:",
     "imgbatch -s '100x100!' -f webp -o thumbs photos/"},
    {"Keep a thumbnail tree up to date from cron, one run at a time, silent "
     "unless a file failed:",
     "imgbatch --quiet -u --lock thumbs.lock -r -o thumbs uploads/"},
    {"Check a test suite's outputs against its goldens, with pictures of "
     "each mismatch:",
     "imgbatch -o out --golden tests/golden --diff-dir diff fixtures/"},
    {"One of four parts of a tree, in a Slurm job array:",
     "sbatch --array=0-3 --wrap 'imgbatch --shard auto -r -o out photos/'"},
    {"Compare two files within the default tolerance:",
     "imgbatch compare golden.jpg out.jpg"},
};

static void man_examples(FILE *f)
{
    fputs(".SH EXAMPLES\n", f);
    for (size_t i = 0; i < sizeof(examples) / sizeof(examples[0]); i++) {
        fputs(i ? ".PP\n" : "", f);
        roff_fill(f, examples[i][0], strlen(examples[i][0]));
        fputs(".PP\n.RS\n.nf\n", f);
        roff_line(f, examples[i][1]);
        fputs(".fi\n.RE\n", f);
    }
}

static void write_man(FILE *f, const struct context *c)
{
    fputs(".\\\" SPDX-License-Identifier: MIT\n"
          ".\\\" Written by gendocs from imgbatch's option tables: do not "
          "edit.\n",
          f);
    fprintf(f, ".TH IMGBATCH 1 %s \"imgbatch %s\" \"User Commands\"\n", c->date,
            IMGBATCH_VERSION);
    fputs(man_head, f);
    man_options(f, &cli_options);
    fputs(man_compare, f);
    man_options(f, &compare_options);
    man_exit_status(f);
    man_examples(f);
    fputs(".SH SEE ALSO\n.BR vipsthumbnail (1)\n", f);
}

/* ---- bash -------------------------------------------------------------- */

/* s in single quotes, for any shell: a quote inside is '\''. */
static void sh_quoted(FILE *f, const char *s, size_t len)
{
    fputc('\'', f);
    for (size_t i = 0; i < len; i++)
        if (s[i] == '\'')
            fputs("'\\''", f);
        else
            fputc(s[i], f);
    fputc('\'', f);
}

static void sh_quoted_str(FILE *f, const char *s)
{
    sh_quoted(f, s, strlen(s));
}

/* "-f|--format": a case pattern. */
static void bash_pattern(FILE *f, const struct opt *o)
{
    if (o->key)
        fprintf(f, "-%c|", o->key);
    fprintf(f, "--%s", o->name);
}

/* The case arm for the word after an entry that takes an argument: its
 * values, files, directories, or nothing at all. */
static void bash_argument(FILE *f, const struct opt *o)
{
    fputs("    ", f);
    bash_pattern(f, o);
    fputs(")", f);
    if (has_values(o)) {
        fputs(" _imgbatch_words \"$1\" '", f);
        for (size_t i = 0; o->values[i]; i++)
            fprintf(f, "%s%s", i ? " " : "", o->values[i]);
        fputs("'", f);
    } else if (o->complete == OPT_COMPLETE_FILE) {
        fputs(" _imgbatch_files \"$1\"", f);
    } else if (o->complete == OPT_COMPLETE_DIR) {
        fputs(" _imgbatch_dirs \"$1\"", f);
    }
    fputs(" ;;\n", f);
}

/* Every listed name of t, for compgen -W. */
static void bash_names(FILE *f, const struct opt_table *t)
{
    const char *sep = "";
    for (size_t i = 0; i < t->n; i++) {
        const struct opt *o = &t->opts[i];
        if (!listed(o))
            continue;
        if (o->key)
            fprintf(f, "%s-%c", sep, o->key), sep = " ";
        fprintf(f, "%s--%s", sep, o->name), sep = " ";
    }
}

/* _imgbatch_ID CUR PREV: COMPREPLY for the word CUR after the word PREV,
 * or status 1 when CUR is an operand. */
static void bash_table(FILE *f, const struct table *tb)
{
    const struct opt_table *t = tb->t;
    fprintf(f, "\n# %s\n_imgbatch_%s()\n{\n    case $2 in\n", t->program,
            tb->id);
    for (size_t i = 0; i < t->n; i++)
        if (listed(&t->opts[i]) && t->opts[i].arg)
            bash_argument(f, &t->opts[i]);
    fputs("    *)\n"
          "        [[ $1 == -* ]] || return 1\n"
          "        _imgbatch_words \"$1\" '",
          f);
    bash_names(f, t);
    fputs("' ;;\n    esac\n}\n", f);
}

static const char bash_head[] =
    "# SPDX-License-Identifier: MIT\n"
    "# bash completion for imgbatch, written by gendocs from its option\n"
    "# tables: do not edit.\n"
    "\n"
    "_imgbatch_words()\n"
    "{\n"
    "    mapfile -t COMPREPLY < <(compgen -W \"$2\" -- \"$1\")\n"
    "}\n"
    "\n"
    "# Outside a completion (a test calling _imgbatch) compopt has nothing\n"
    "# to set, and says so.\n"
    "_imgbatch_files()\n"
    "{\n"
    "    compopt -o filenames 2> /dev/null\n"
    "    mapfile -t COMPREPLY < <(compgen -f -- \"$1\")\n"
    "}\n"
    "\n"
    "_imgbatch_dirs()\n"
    "{\n"
    "    compopt -o filenames 2> /dev/null\n"
    "    mapfile -t COMPREPLY < <(compgen -d -- \"$1\")\n"
    "}\n";

static const char bash_main[] =
    "\n"
    "_imgbatch()\n"
    "{\n"
    "    local cur=${COMP_WORDS[COMP_CWORD]} prev=\n"
    "    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}\n"
    "    # --name=VALUE: bash splits the word at '=' (COMP_WORDBREAKS).\n"
    "    if [[ $cur == = ]]; then\n"
    "        cur=\n"
    "    elif [[ $prev == = ]] && ((COMP_CWORD > 1)); then\n"
    "        prev=${COMP_WORDS[COMP_CWORD - 2]}\n"
    "    fi\n"
    "    COMPREPLY=()\n"
    "    if [[ ${COMP_WORDS[1]-} == compare ]] && ((COMP_CWORD > 1)); then\n"
    "        _imgbatch_compare \"$cur\" \"$prev\" || _imgbatch_files \"$cur\"\n"
    "        return 0\n"
    "    fi\n"
    "    _imgbatch_main \"$cur\" \"$prev\" && return 0\n"
    "    _imgbatch_files \"$cur\"\n"
    "    if ((COMP_CWORD == 1)) && [[ compare == \"$cur\"* ]]; then\n"
    "        COMPREPLY+=(compare)\n"
    "    fi\n"
    "    return 0\n"
    "}\n"
    "\n"
    "complete -F _imgbatch imgbatch\n";

static void write_bash(FILE *f, const struct context *c)
{
    (void)c;
    fputs(bash_head, f);
    for (size_t i = 0; i < NTABLES; i++)
        bash_table(f, &tables[i]);
    fputs(bash_main, f);
}

/* ---- zsh --------------------------------------------------------------- */

/* What ends each part of a spec: "--name=[EXPLANATION]:MESSAGE:(VALUE ...)" */
#define ZSH_EXPLANATION "[]\\"
#define ZSH_MESSAGE ":\\"
#define ZSH_VALUE " ()\\"

/* Text inside an _arguments spec, itself inside single quotes: the
 * characters of special that would end the text are escaped with a
 * backslash. */
static void zsh_text(FILE *f, const char *s, size_t len, const char *special)
{
    for (size_t i = 0; i < len; i++) {
        if (strchr(special, s[i]))
            fputc('\\', f);
        if (s[i] == '\'')
            fputs("'\\''", f);
        else
            fputc(s[i], f);
    }
}

/* The message and action of an entry's argument: ":MODE:(a b c)". */
static void zsh_action(FILE *f, const struct opt *o)
{
    fputc(':', f);
    zsh_text(f, o->arg, strlen(o->arg), ZSH_MESSAGE);
    fputc(':', f);
    if (has_values(o)) {
        fputc('(', f);
        for (size_t i = 0; o->values[i]; i++) {
            fputs(i ? " " : "", f);
            zsh_text(f, o->values[i], strlen(o->values[i]), ZSH_VALUE);
        }
        fputc(')', f);
    } else if (o->complete == OPT_COMPLETE_FILE) {
        fputs("_files", f);
    } else if (o->complete == OPT_COMPLETE_DIR) {
        fputs("_files -/", f);
    } else {
        fputc(' ', f); /* a message, no candidates */
    }
}

/* One spec, for the short name (key) or the long one (key 0). An entry's
 * two names exclude each other; --help and --version exclude the rest. */
static void zsh_spec(FILE *f, const struct opt *o, int key)
{
    fputs("    '", f);
    if (o->flags & OPT_EXIT)
        fputs("(- *)", f);
    else if (o->key)
        fprintf(f, "(-%c --%s)", o->key, o->name);
    if (key)
        fprintf(f, "-%c%s", key, o->arg ? "+" : "");
    else
        fprintf(f, "--%s%s", o->name,
                !o->arg                     ? ""
                : (o->flags & OPT_OPTIONAL) ? "=-"
                                            : "=");
    fputc('[', f);
    zsh_text(f, o->help, (size_t)summary_len(o), ZSH_EXPLANATION);
    fputc(']', f);
    if (o->arg)
        zsh_action(f, o);
    fputs("' \\\n", f);
}

static void zsh_table(FILE *f, const struct table *tb, const char *operands)
{
    const struct opt_table *t = tb->t;
    fprintf(f, "\n# %s\n_imgbatch_%s() {\n  _arguments -s -S \\\n", t->program,
            tb->id);
    for (size_t i = 0; i < t->n; i++) {
        const struct opt *o = &t->opts[i];
        if (!listed(o))
            continue;
        if (o->key)
            zsh_spec(f, o, o->key);
        zsh_spec(f, o, 0);
    }
    fprintf(f, "    %s\n}\n", operands);
}

static const char zsh_head[] =
    "#compdef imgbatch\n"
    "# SPDX-License-Identifier: MIT\n"
    "# zsh completion for imgbatch, written by gendocs from its option\n"
    "# tables: do not edit.\n"
    "\n"
    "# An operand: a file or a directory, or the subcommand first.\n"
    "_imgbatch_operand() {\n"
    "  if (( CURRENT == 2 )); then\n"
    "    _alternative 'subcommands:subcommand:(compare)' "
    "'files:file or directory:_files'\n"
    "  else\n"
    "    _files\n"
    "  fi\n"
    "}\n";

static const char zsh_main[] =
    "\n"
    "_imgbatch() {\n"
    "  if (( CURRENT > 2 )) && [[ ${words[2]} == compare ]]; then\n"
    "    shift words\n"
    "    (( CURRENT-- ))\n"
    "    _imgbatch_compare\n"
    "  else\n"
    "    _imgbatch_main\n"
    "  fi\n"
    "}\n"
    "\n"
    "# Autoloaded from fpath this file is _imgbatch's body: it runs the\n"
    "# function it has just defined. Sourced, it registers it.\n"
    "if [[ $funcstack[1] == _imgbatch ]]; then\n"
    "  _imgbatch \"$@\"\n"
    "else\n"
    "  compdef _imgbatch imgbatch\n"
    "fi\n";

static void write_zsh(FILE *f, const struct context *c)
{
    (void)c;
    fputs(zsh_head, f);
    zsh_table(f, &tables[0], "'*:file or directory:_imgbatch_operand'");
    zsh_table(f, &tables[1],
              "'1:expected image:_files' "
              "'2:actual image:_files'");
    fputs(zsh_main, f);
}

/* ---- fish -------------------------------------------------------------- */

/* "complete -c imgbatch -n COND -s f -l format -x -a 'jpg png' -d '...'" */
static void fish_entry(FILE *f, const struct opt *o, const char *condition)
{
    fprintf(f, "complete -c imgbatch -n '%s'", condition);
    if (o->key)
        fprintf(f, " -s %c", o->key);
    fprintf(f, " -l %s", o->name);
    if (has_values(o)) {
        fputs(" -x -a '", f);
        for (size_t i = 0; o->values[i]; i++)
            fprintf(f, "%s%s", i ? " " : "", o->values[i]);
        fputc('\'', f);
    } else if (o->arg && o->complete == OPT_COMPLETE_FILE) {
        fputs(" -r -F", f);
    } else if (o->arg && o->complete == OPT_COMPLETE_DIR) {
        fputs(" -x -a '(__fish_complete_directories (commandline -ct))'", f);
    } else if (o->arg) {
        fputs(" -x", f);
    }
    fputs(" -d ", f);
    sh_quoted(f, o->help, (size_t)summary_len(o));
    fputc('\n', f);
}

static void fish_table(FILE *f, const struct opt_table *t,
                       const char *condition)
{
    fprintf(f, "\n# %s\n", t->program);
    for (size_t i = 0; i < t->n; i++)
        if (listed(&t->opts[i]))
            fish_entry(f, &t->opts[i], condition);
}

static const char fish_head[] =
    "# SPDX-License-Identifier: MIT\n"
    "# fish completion for imgbatch, written by gendocs from its option\n"
    "# tables: do not edit. Operands are files and directories, fish's\n"
    "# default.\n"
    "\n"
    "# The words so far start \"imgbatch compare\": its options apply.\n"
    "function __imgbatch_compare\n"
    "    set -l words (commandline -opc)\n"
    "    test (count $words) -ge 2; and test $words[2] = compare\n"
    "end\n"
    "\n"
    "function __imgbatch_first_word\n"
    "    test (count (commandline -opc)) -eq 1\n"
    "end\n"
    "\n"
    "complete -c imgbatch -n __imgbatch_first_word -a compare -d ";

static void write_fish(FILE *f, const struct context *c)
{
    (void)c;
    fputs(fish_head, f);
    sh_quoted_str(f, "compare two images by decoded pixels");
    fputc('\n', f);
    fish_table(f, &cli_options, "not __imgbatch_compare");
    fish_table(f, &compare_options, "__imgbatch_compare");
}

/* ---- files ------------------------------------------------------------- */

/* Writes DIR/NAME whole, from what print() prints. */
static int emit(const char *dir, const char *name, const struct context *c,
                void (*print)(FILE *, const struct context *))
{
    char *text = NULL, path[4096];
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        fprintf(stderr, "gendocs: %s\n", strerror(errno));
        return -1;
    }
    print(f, c);
    int rc = fclose(f);
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    if (rc == 0)
        rc = ib_write_file_atomic(path, text, len);
    if (rc != 0)
        fprintf(stderr, "gendocs: cannot write '%s': %s\n", path,
                strerror(errno));
    free(text);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: gendocs DIR DATE\n");
        return 2;
    }
    const char *dir = argv[1];
    struct context c = {.date = argv[2]};
    int rc = 0;
    rc |= emit(dir, "imgbatch.1", &c, write_man);
    rc |= emit(dir, "imgbatch.bash", &c, write_bash);
    rc |= emit(dir, "_imgbatch", &c, write_zsh);
    rc |= emit(dir, "imgbatch.fish", &c, write_fish);
    return rc ? 1 : 0;
}
