/* SPDX-License-Identifier: MIT */
/* Output names by template (name.h). */
#include "imgbatch/name.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum field {
    F_NAME,
    F_STEM,
    F_EXT,
    F_DIR,
    F_W,
    F_H,
    F_SIZE,
    F_FORMAT,
    F_Q,
    F_VARIANT,
    F_HASH,
    F_COUNT,
};

static const char *const field_names[F_COUNT] = {
    [F_NAME] = "name",       [F_STEM] = "stem",     [F_EXT] = "ext",
    [F_DIR] = "dir",         [F_W] = "w",           [F_H] = "h",
    [F_SIZE] = "size",       [F_FORMAT] = "format", [F_Q] = "q",
    [F_VARIANT] = "variant", [F_HASH] = "hash",
};

#define MAX_HASH_DIGITS 64

/* One "{...}" at p (p[0] == '{'): its field and, for hash, the digit
 * count; *len is the whole token's length. 0, or -1 with why. */
static int read_field(const char *p, enum field *f, int *digits, size_t *len,
                      char *why, size_t why_len)
{
    const char *close = strchr(p, '}');
    if (!close) {
        snprintf(why, why_len, "'{' without '}'");
        return -1;
    }
    size_t n = (size_t)(close - p - 1);
    *len = n + 2;
    *digits = 0;
    for (int i = 0; i < F_COUNT; i++) {
        size_t k = strlen(field_names[i]);
        if (i == F_HASH && n > k && strncmp(p + 1, "hash:", k + 1) == 0) {
            char *end;
            long d = strtol(p + 1 + k + 1, &end, 10);
            if (end != close || d < 1 || d > MAX_HASH_DIGITS) {
                snprintf(why, why_len, "'%.*s': N must be from 1 to %d",
                         (int)*len, p, MAX_HASH_DIGITS);
                return -1;
            }
            *f = F_HASH;
            *digits = (int)d;
            return 0;
        }
        if (i != F_HASH && n == k && strncmp(p + 1, field_names[i], k) == 0) {
            *f = (enum field)i;
            return 0;
        }
    }
    if (n == 4 && strncmp(p + 1, "hash", 4) == 0)
        snprintf(why, why_len, "'{hash}' needs a length: {hash:8}");
    else
        snprintf(why, why_len, "unknown field '%.*s'", (int)*len, p);
    return -1;
}

/* Calls visit for each literal run and field of tmpl. 0, or -1 with why
 * (from the grammar, or from visit). */
typedef int (*visit_fn)(void *ctx, const char *literal, size_t len,
                        enum field f, int digits);

static int walk(const char *tmpl, visit_fn visit, void *ctx, char *why,
                size_t why_len)
{
    const char *p = tmpl;
    while (*p) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            if (visit(ctx, p, 1, F_COUNT, 0))
                return -1;
            p += 2;
            continue;
        }
        if (*p == '}') {
            snprintf(why, why_len, "'}' without '{'");
            return -1;
        }
        if (*p != '{') {
            size_t n = strcspn(p, "{}");
            if (visit(ctx, p, n, F_COUNT, 0))
                return -1;
            p += n;
            continue;
        }
        enum field f;
        int digits;
        size_t len;
        if (read_field(p, &f, &digits, &len, why, why_len) ||
            visit(ctx, p, len, f, digits))
            return -1;
        p += len;
    }
    return 0;
}

/* ---- questions about a template ---------------------------------------- */

struct uses {
    int late, dir;
};

static int note_use(void *ctx, const char *literal, size_t len, enum field f,
                    int digits)
{
    (void)literal;
    (void)len;
    (void)digits;
    struct uses *u = ctx;
    u->late |= f == F_W || f == F_H || f == F_HASH;
    u->dir |= f == F_DIR;
    return 0;
}

static struct uses uses_of(const char *tmpl)
{
    struct uses u = {0, 0};
    char why[128];
    walk(tmpl, note_use, &u, why, sizeof(why));
    return u;
}

int ib_name_check(const char *tmpl, char *why, size_t why_len)
{
    struct uses u = {0, 0};
    if (!*tmpl) {
        snprintf(why, why_len, "an empty name");
        return -1;
    }
    if (walk(tmpl, note_use, &u, why, why_len))
        return -1;
    if (tmpl[0] == '/') {
        snprintf(why, why_len, "a name may not be an absolute path");
        return -1;
    }
    return 0;
}

int ib_name_is_late(const char *tmpl)
{
    return uses_of(tmpl).late;
}

int ib_name_has_dir(const char *tmpl)
{
    return uses_of(tmpl).dir;
}

/* ---- expanding --------------------------------------------------------- */

struct expansion {
    const struct ib_name_fields *f;
    struct ib_buf *out;
    int skip_slash; /* an empty {dir} was just put: its '/' goes too */
};

static void put_int(struct ib_buf *out, int v)
{
    char text[16];
    snprintf(text, sizeof(text), "%d", v);
    ib_buf_put_str(out, text);
}

/* A '.' just written, before an empty {ext}, goes. */
static void drop_dot(struct ib_buf *out)
{
    if (out->len && out->data[out->len - 1] == '.')
        out->len--;
}

static int put_field(void *ctx, const char *literal, size_t len, enum field f,
                     int digits)
{
    struct expansion *x = ctx;
    const struct ib_name_fields *v = x->f;
    struct ib_buf *out = x->out;
    if (x->skip_slash && f == F_COUNT && literal[0] == '/')
        literal++, len--;
    x->skip_slash = f == F_DIR && v->dir_len == 0;
    switch (f) {
    case F_NAME: ib_buf_put_str(out, v->name); break;
    case F_STEM: ib_buf_put(out, v->stem, v->stem_len); break;
    case F_EXT:
        if (!v->ext[0])
            drop_dot(out);
        ib_buf_put_str(out, v->ext);
        break;
    case F_DIR: ib_buf_put(out, v->dir, v->dir_len); break;
    case F_W:
    case F_H: {
        int n = f == F_W ? v->w : v->h;
        if (n < 0)
            ib_buf_put(out, literal, len);
        else
            put_int(out, n);
        break;
    }
    case F_SIZE: ib_buf_put_str(out, v->size); break;
    case F_FORMAT: ib_buf_put_str(out, v->format); break;
    case F_Q: put_int(out, v->q); break;
    case F_VARIANT: ib_buf_put_str(out, v->variant); break;
    case F_HASH:
        if (v->hash)
            ib_buf_put(out, v->hash, (size_t)digits);
        else
            ib_buf_put(out, literal, len);
        break;
    default: ib_buf_put(out, literal, len); break;
    }
    return 0;
}

/* A name placed below a root: no way out of it, nothing empty. */
static int check_path(const char *path, char *why, size_t why_len)
{
    if (!*path) {
        snprintf(why, why_len, "the name is empty");
        return -1;
    }
    if (path[0] == '/') {
        snprintf(why, why_len, "'%s' is an absolute path", path);
        return -1;
    }
    for (const char *p = path;; p++) {
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.') ||
            (n == 2 && p[0] == '.' && p[1] == '.')) {
            snprintf(why, why_len,
                     n == 0 ? "'%s' has an empty component"
                            : "'%s' would leave the output folder",
                     path);
            return -1;
        }
        p += n;
        if (!*p)
            return 0;
    }
}

int ib_name_expand(const char *tmpl, const struct ib_name_fields *f,
                   struct ib_buf *out, char *why, size_t why_len)
{
    struct expansion x = {f, out, 0};
    ib_buf_reset(out);
    if (walk(tmpl, put_field, &x, why, why_len))
        return -1;
    return check_path(ib_buf_cstr(out), why, why_len);
}
