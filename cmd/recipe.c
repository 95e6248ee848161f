/* SPDX-License-Identifier: MIT */
/* Reading a recipe (recipe.h). The file is read whole: it is small, and
 * every string the options keep must live as long as the run. */
#define _POSIX_C_SOURCE 200809L
#include "recipe.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RECIPE_BYTES (1 << 20)

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
        s[--n] = '\0';
    return s;
}

static int is_name_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

static int valid_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!is_name_char(*s))
            return 0;
    return 1;
}

static struct recipe_section *add_section(struct recipe *r, const char *variant)
{
    r->sections = ib_xrealloc(r->sections, (size_t)(r->nsections + 1) *
                                               sizeof(*r->sections));
    struct recipe_section *s = &r->sections[r->nsections++];
    memset(s, 0, sizeof(*s));
    s->variant = variant;
    return s;
}

/* "[defaults]" or "[variant NAME]". */
static int read_header(struct recipe *r, char *text, struct ib_arena *a,
                       char *why, size_t why_len)
{
    size_t n = strlen(text);
    if (text[n - 1] != ']') {
        snprintf(why, why_len, "expected ']' at the end of '%s'", text);
        return -1;
    }
    text[n - 1] = '\0';
    char *inner = trim(text + 1);
    if (strcmp(inner, "defaults") == 0) {
        for (int i = 0; i < r->nsections; i++)
            if (!r->sections[i].variant && r->sections[i].nlines) {
                snprintf(why, why_len, "[defaults] twice");
                return -1;
            }
        add_section(r, NULL);
        return 0;
    }
    if (strncmp(inner, "variant", 7) != 0 ||
        (inner[7] != ' ' && inner[7] != '\t')) {
        snprintf(why, why_len,
                 "expected [defaults] or [variant NAME], not '[%s]'", inner);
        return -1;
    }
    char *name = trim(inner + 8);
    if (!valid_name(name)) {
        snprintf(why, why_len,
                 "a variant's name is letters, digits, '-', '_' and '.', not "
                 "'%s'",
                 name);
        return -1;
    }
    for (int i = 0; i < r->nsections; i++)
        if (r->sections[i].variant &&
            strcmp(r->sections[i].variant, name) == 0) {
            snprintf(why, why_len, "variant '%s' twice", name);
            return -1;
        }
    add_section(r, ib_arena_store(a, name, strlen(name)));
    return 0;
}

/* "key" or "key = value". */
static int read_setting(struct recipe *r, int line, char *text,
                        struct ib_arena *a, char *why, size_t why_len)
{
    char *eq = strchr(text, '=');
    const char *value = NULL;
    if (eq) {
        *eq = '\0';
        char *v = trim(eq + 1);
        value = ib_arena_store(a, v, strlen(v));
    }
    char *key = trim(text);
    if (!valid_name(key)) {
        snprintf(why, why_len, "expected 'option = value', not '%s'", text);
        return -1;
    }
    if (r->nsections == 0)
        add_section(r, NULL);
    struct recipe_section *s = &r->sections[r->nsections - 1];
    s->lines =
        ib_xrealloc(s->lines, (size_t)(s->nlines + 1) * sizeof(*s->lines));
    s->lines[s->nlines++] =
        (struct recipe_line){line, ib_arena_store(a, key, strlen(key)), value};
    return 0;
}

static int read_text(const char *path, char **text, char *why, size_t why_len)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(why, why_len, "%s", strerror(errno));
        return -1;
    }
    *text = ib_xmalloc(MAX_RECIPE_BYTES + 1);
    size_t n = fread(*text, 1, MAX_RECIPE_BYTES + 1, f);
    int err = ferror(f) ? errno : 0;
    fclose(f);
    if (err || n > MAX_RECIPE_BYTES) {
        snprintf(why, why_len, "%s", err ? strerror(err) : "larger than 1 MiB");
        free(*text);
        return -1;
    }
    (*text)[n] = '\0';
    return 0;
}

int recipe_read(const char *path, struct ib_arena *a, struct recipe *r,
                char *why, size_t why_len)
{
    memset(r, 0, sizeof(*r));
    r->path = path;
    char *text;
    if (read_text(path, &text, why, why_len))
        return RECIPE_UNREADABLE;
    int rc = 0, line = 0;
    char *save = NULL;
    for (char *p = text; rc == 0 && p; p = save) {
        save = strchr(p, '\n');
        if (save)
            *save++ = '\0';
        line++;
        char *s = trim(p);
        if (!*s || *s == '#' || *s == ';')
            continue;
        char reason[256];
        rc = *s == '[' ? read_header(r, s, a, reason, sizeof(reason))
                       : read_setting(r, line, s, a, reason, sizeof(reason));
        if (rc)
            snprintf(why, why_len, "line %d: %s", line, reason);
    }
    free(text);
    if (rc)
        recipe_free(r);
    return rc ? RECIPE_BAD_LINE : 0;
}

void recipe_free(struct recipe *r)
{
    for (int i = 0; i < r->nsections; i++)
        free(r->sections[i].lines);
    free(r->sections);
    r->sections = NULL;
    r->nsections = 0;
}
