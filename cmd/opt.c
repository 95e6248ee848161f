/* SPDX-License-Identifier: MIT */
/* The option table's parser and help (opt.h). */
#define _GNU_SOURCE
#include "opt.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "imgbatch/alloc.h"
#include "imgbatch/buf.h"

/* getopt_long's code for a long-only entry i. */
#define LONG_ONLY 1000

#define HELP_COLUMN 24
#define WIDTH 78

/* ---- messages ---------------------------------------------------------- */

int opt_usage_error(const struct opt_table *t, const char *context,
                    const char *fmt, ...)
{
    char text[768];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    fprintf(stderr, "imgbatch: %s%s\nTry '%s --help' for more information.\n",
            context ? context : "", text, t->program);
    return -1;
}

static const char *what(const struct opt *o, char *buf, size_t len)
{
    if (o->what)
        return o->what;
    snprintf(buf, len, "--%s", o->name);
    return buf;
}

/* ---- getopt ------------------------------------------------------------ */

static const struct opt *by_code(const struct opt_table *t, int code)
{
    if (code >= LONG_ONLY && (size_t)(code - LONG_ONLY) < t->n)
        return &t->opts[code - LONG_ONLY];
    for (size_t i = 0; i < t->n; i++)
        if (code && t->opts[i].key == code)
            return &t->opts[i];
    return NULL;
}

static void build_getopt(const struct opt_table *t, struct option *longs,
                         char *shorts)
{
    char *s = shorts;
    *s++ = ':'; /* a missing argument is ':', not '?' */
    for (size_t i = 0; i < t->n; i++) {
        const struct opt *o = &t->opts[i];
        int has_arg = !o->arg                     ? no_argument
                      : (o->flags & OPT_OPTIONAL) ? optional_argument
                                                  : required_argument;
        longs[i] = (struct option){o->name, has_arg, NULL,
                                   o->key ? o->key : (int)i + LONG_ONLY};
        if (o->key) {
            *s++ = (char)o->key;
            if (o->arg)
                *s++ = ':';
        }
    }
    longs[t->n] = (struct option){NULL, 0, NULL, 0};
    *s = '\0';
}

/* The name of the long option in arg ("--na=x" gives "na"). */
static void long_name_of(const char *arg, char *buf, size_t len)
{
    if (strncmp(arg, "--", 2) == 0)
        arg += 2;
    snprintf(buf, len, "%.*s", (int)strcspn(arg, "="), arg);
}

/* getopt's own complaint, in the one format. */
static int getopt_error(const struct opt_table *t, const char *context,
                        int code, const char *arg)
{
    const struct opt *o = by_code(t, optopt);
    char name[128];
    if (strncmp(arg, "--", 2) != 0 && optopt) {
        if (code == ':')
            return opt_usage_error(
                t, context, "option requires an argument -- '%c'", optopt);
        return opt_usage_error(t, context, "invalid option -- '%c'", optopt);
    }
    long_name_of(arg, name, sizeof(name));
    if (code == ':')
        return opt_usage_error(t, context, "option '--%s' requires an argument",
                               o ? o->name : name);
    if (o)
        return opt_usage_error(
            t, context, "option '--%s' doesn't allow an argument", o->name);
    size_t matches = 0;
    for (size_t i = 0; i < t->n; i++)
        matches += strncmp(t->opts[i].name, name, strlen(name)) == 0;
    if (matches > 1)
        return opt_usage_error(t, context, "option '--%s' is ambiguous", name);
    return opt_usage_error(t, context, "unrecognized option '%s'", arg);
}

static int apply(const struct opt_table *t, const struct opt *o,
                 const char *arg, const struct opt_targets *to)
{
    char why[256] = "", name[96];
    void *target = to->target[o->scope];
    if (!target)
        return opt_usage_error(t, to->context,
                               "%s applies to the whole run, not to one "
                               "output",
                               what(o, name, sizeof(name)));
    void *field = (char *)target + o->offset;
    if (!o->parse) {
        *(int *)field = 1;
        return 0;
    }
    if (o->parse(o, arg, field, why, sizeof(why)) == 0)
        return 0;
    return opt_usage_error(t, to->context, "invalid %s '%s': %s",
                           what(o, name, sizeof(name)), arg ? arg : "", why);
}

/* The entry whose count stands for o's: its first alias (an entry that
 * sets the same field the same way). */
static size_t canonical(const struct opt_table *t, const struct opt *o)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->opts[i].scope == o->scope && t->opts[i].offset == o->offset &&
            t->opts[i].parse == o->parse)
            return i;
    return (size_t)(o - t->opts);
}

/* A single-valued option given again is an error, not "the last one
 * wins": -s 50 -s 70 would otherwise quietly make 70. */
static int count_use(const struct opt_table *t, const struct opt *o,
                     unsigned char *seen, const char *context)
{
    size_t i = canonical(t, o);
    if (!o->arg || (o->flags & OPT_REPEATABLE) || !seen[i]++)
        return 0;
    return opt_usage_error(
        t, context, "--%s given twice: it takes one value%s", t->opts[i].name,
        t->opts[i].flags & OPT_LIST ? " (or a list: a,b)" : "");
}

int opt_parse(const struct opt_table *t, int argc, char **argv,
              const struct opt_targets *to, const struct opt **exit_opt,
              int *first_operand)
{
    struct option *longs = ib_xcalloc(t->n + 1, sizeof(*longs));
    char *shorts = ib_xmalloc(2 * t->n + 2);
    unsigned char *seen = ib_xcalloc(t->n, 1);
    build_getopt(t, longs, shorts);
    *exit_opt = NULL;
    int rc = 0, code;
    opterr = 0;
    optind = 0; /* 0, not 1: glibc starts afresh on another argv */
    while (rc == 0 &&
           (code = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
        const struct opt *o =
            code == '?' || code == ':' ? NULL : by_code(t, code);
        if (!o)
            rc = getopt_error(t, to->context, code, argv[optind - 1]);
        else if (o->flags & OPT_EXIT)
            *exit_opt = o, rc = 1;
        else if ((rc = count_use(t, o, seen, to->context)) == 0)
            rc = apply(t, o, optarg, to);
    }
    *first_operand = optind;
    free(longs);
    free(shorts);
    free(seen);
    return rc;
}

int opt_set(const struct opt_table *t, const char *name, const char *value,
            const struct opt_targets *to)
{
    for (size_t i = 0; i < t->n; i++) {
        const struct opt *o = &t->opts[i];
        if (strcmp(o->name, name) != 0 || (o->flags & OPT_EXIT))
            continue;
        if (o->arg && !value && !(o->flags & OPT_OPTIONAL))
            return opt_usage_error(t, to->context, "--%s needs a value", name);
        if (!o->arg && value)
            return opt_usage_error(t, to->context, "--%s takes no value", name);
        return apply(t, o, value, to);
    }
    return opt_usage_error(t, to->context, "unknown option '%s'", name);
}

/* ---- words ------------------------------------------------------------- */

/* One word from *p into w, quotes and backslashes taken out. 0, or -1 on
 * an unclosed quote. */
static int read_word(const char **p, struct ib_buf *w)
{
    const char *s = *p;
    char quote = 0;
    for (; *s; s++) {
        if (quote && *s == quote)
            quote = 0;
        else if (quote == '\'')
            ib_buf_putc(w, *s);
        else if (*s == '\\' && s[1])
            ib_buf_putc(w, *++s);
        else if (quote)
            ib_buf_putc(w, *s);
        else if (*s == '\'' || *s == '"')
            quote = *s;
        else if (*s == ' ' || *s == '\t' || *s == '\n')
            break;
        else
            ib_buf_putc(w, *s);
    }
    *p = s;
    return quote ? -1 : 0;
}

int opt_split_words(const char *text, const char *argv0, struct ib_arena *a,
                    char ***words, int *nwords, char *why, size_t why_len)
{
    size_t cap = 8, n = 0;
    char **v = ib_xmalloc(cap * sizeof(*v));
    v[n++] = (char *)ib_arena_store(a, argv0, strlen(argv0));
    struct ib_buf w;
    ib_buf_init(&w);
    const char *p = text;
    int rc = 0;
    for (;;) {
        p += strspn(p, " \t\n");
        if (!*p)
            break;
        ib_buf_reset(&w);
        if (read_word(&p, &w) != 0) {
            snprintf(why, why_len, "a quote is not closed");
            rc = -1;
            break;
        }
        v = ib_xgrow(v, &cap, n + 2, sizeof(*v));
        v[n++] = (char *)ib_arena_store(a, (const char *)w.data, w.len);
    }
    ib_buf_free(&w);
    v[n] = NULL;
    *words = v;
    *nwords = (int)n;
    return rc;
}

/* ---- help -------------------------------------------------------------- */

/* " N", "[=LIST]" (an argument that may be left out), or nothing. */
static const char *arg_text(const struct opt *o, char *buf, size_t len)
{
    if (!o->arg)
        return "";
    snprintf(buf, len, (o->flags & OPT_OPTIONAL) ? "[=%s]" : " %s", o->arg);
    return buf;
}

void opt_format_names(const struct opt *o, char *buf, size_t len)
{
    char arg[64];
    if (o->key)
        snprintf(buf, len, "-%c, --%s%s", o->key, o->name,
                 arg_text(o, arg, sizeof(arg)));
    else
        snprintf(buf, len, "    --%s%s", o->name,
                 arg_text(o, arg, sizeof(arg)));
}

/* One line of help (len bytes at s) from column col, its words wrapped at
 * WIDTH to column indent. Runs of spaces are kept but where the line
 * wraps (an aligned list stays aligned). */
static void put_line(FILE *f, const char *s, size_t len, int col, int indent)
{
    size_t i = 0;
    while (i < len) {
        size_t gap = strspn(s + i, " ");
        if (gap > len - i)
            gap = len - i;
        size_t w = strcspn(s + i + gap, " ");
        if (w > len - i - gap)
            w = len - i - gap;
        if (i > 0 && col + (int)(gap + w) > WIDTH) {
            col = fprintf(f, "\n%*s", indent, "") - 1;
        } else {
            col += fprintf(f, "%.*s", (int)gap, s + i);
        }
        col += fprintf(f, "%.*s", (int)w, s + i + gap);
        i += gap + w;
    }
}

/* Help text from column col: each '\n' starts a line at indent. */
static void put_wrapped(FILE *f, const char *text, int col, int indent)
{
    for (;;) {
        size_t len = strcspn(text, "\n");
        put_line(f, text, len, col, indent);
        fputc('\n', f);
        if (!text[len])
            return;
        text += len + 1;
        col = fprintf(f, "%*s", indent, "");
    }
}

/* "  -s, --size GEOMETRY   target size...": the help from HELP_COLUMN, or
 * two spaces after names too long for it. */
static void print_entry(const struct opt *o, FILE *f)
{
    char names[128];
    opt_format_names(o, names, sizeof(names));
    int col = fprintf(f, "  %s", names);
    int pad = col + 2 > HELP_COLUMN ? 2 : HELP_COLUMN - col;
    col += fprintf(f, "%*s", pad, "");
    put_wrapped(f, o->help, col, HELP_COLUMN);
}

void opt_print_help(const struct opt_table *t, FILE *f)
{
    int group = -1;
    for (size_t i = 0; i < t->n; i++) {
        const struct opt *o = &t->opts[i];
        if (o->flags & OPT_HIDDEN)
            continue;
        if (o->group != group) {
            group = o->group;
            if (t->groups && t->groups[group])
                fprintf(f, "%s%s:\n", i ? "\n" : "", t->groups[group]);
        }
        print_entry(o, f);
    }
}

/* ---- parsers ----------------------------------------------------------- */

static int whole_number(const struct opt *o, const char *arg, long long *out,
                        char *why, size_t why_len)
{
    char *end;
    errno = 0;
    long long v = strtoll(arg, &end, 10);
    if (errno || end == arg || *end || v < o->min || v > o->max) {
        snprintf(why, why_len, "expected a whole number from %lld to %lld",
                 o->min, o->max);
        return -1;
    }
    *out = v;
    return 0;
}

int opt_int(const struct opt *o, const char *arg, void *field, char *why,
            size_t why_len)
{
    long long v;
    if (whole_number(o, arg, &v, why, why_len))
        return -1;
    *(int *)field = (int)v;
    return 0;
}

int opt_long(const struct opt *o, const char *arg, void *field, char *why,
             size_t why_len)
{
    return whole_number(o, arg, (long long *)field, why, why_len);
}

/* A decimal number within [min, max]; 0 or -1. */
static int number(const char *arg, double min, double max, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    if (errno || end == arg || *end || !(v >= min && v <= max))
        return -1;
    *out = v;
    return 0;
}

int opt_seconds(const struct opt *o, const char *arg, void *field, char *why,
                size_t why_len)
{
    (void)o;
    if (number(arg, 0, 1e7, (double *)field) == 0)
        return 0;
    snprintf(why, why_len, "expected seconds (0 = none)");
    return -1;
}

/* A decimal number from o->min to o->max, into a double; kind names it in
 * the complaint. */
static int decimal(const struct opt *o, const char *arg, void *field,
                   const char *kind, char *why, size_t why_len)
{
    if (number(arg, (double)o->min, (double)o->max, (double *)field) == 0)
        return 0;
    snprintf(why, why_len, "expected %s from %lld to %lld", kind, o->min,
             o->max);
    return -1;
}

int opt_decibels(const struct opt *o, const char *arg, void *field, char *why,
                 size_t why_len)
{
    return decimal(o, arg, field, "decibels", why, why_len);
}

int opt_fraction(const struct opt *o, const char *arg, void *field, char *why,
                 size_t why_len)
{
    return decimal(o, arg, field, "a fraction", why, why_len);
}

int opt_bytes(const struct opt *o, const char *arg, void *field, char *why,
              size_t why_len)
{
    (void)o;
    char *end;
    errno = 0;
    double v = strtod(arg, &end);
    double unit = 1;
    switch (*end) {
    case 'k':
    case 'K': unit = 1024.0, end++; break;
    case 'm':
    case 'M': unit = 1024.0 * 1024, end++; break;
    case 'g':
    case 'G': unit = 1024.0 * 1024 * 1024, end++; break;
    default: break;
    }
    if (end == arg || *end || errno || v < 0 || v * unit > 1e18) {
        snprintf(why, why_len, "expected a size such as 512M");
        return -1;
    }
    *(long long *)field = (long long)(v * unit);
    return 0;
}

/* "A, B or C", from a NULL-terminated list. */
static void list_choices(const char *const *values, char *buf, size_t len)
{
    size_t n = 0, used = 0;
    while (values[n])
        n++;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s",
                                 i == 0       ? ""
                                 : i + 1 == n ? " or "
                                              : ", ",
                                 values[i]);
}

int opt_choice(const struct opt *o, const char *arg, void *field, char *why,
               size_t why_len)
{
    for (int i = 0; o->values[i]; i++)
        if (strcmp(arg, o->values[i]) == 0) {
            *(int *)field = i;
            return 0;
        }
    char choices[200];
    list_choices(o->values, choices, sizeof(choices));
    snprintf(why, why_len, "expected %s", choices);
    return -1;
}

int opt_string(const struct opt *o, const char *arg, void *field, char *why,
               size_t why_len)
{
    (void)o;
    (void)why;
    (void)why_len;
    *(const char **)field = arg;
    return 0;
}
