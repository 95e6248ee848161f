/* SPDX-License-Identifier: MIT */
/* Output naming (outpath.h). */
#include "imgbatch/outpath.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "imgbatch/name.h"

/* Formats imgbatch reads but does not write become PNG when they are
 * drawings (often transparent) and JPEG otherwise. */
static enum ib_format fallback_format(const char *ext)
{
    static const char *const drawings[] = {"svg", "svgz", "pdf", NULL};
    for (const char *const *d = drawings; *d; d++)
        if (strcasecmp(ext, *d) == 0)
            return IB_FMT_PNG;
    return IB_FMT_JPEG;
}

static const char *name_of(const struct ib_input_name *in)
{
    const char *slash = strrchr(in->path, '/');
    return slash ? slash + 1 : in->path;
}

static const char *extension_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && dot != name ? dot + 1 : NULL;
}

/* The format, and whether the output keeps the input's extension. */
static enum ib_format choose_format(const struct ib_rendition *r,
                                    const char *ext, int *keep_ext)
{
    enum ib_format named = ext ? ib_format_from_extension(ext) : IB_FMT_KEEP;
    *keep_ext = 0;
    if (r->format != IB_FMT_KEEP) {
        *keep_ext = named == r->format;
        return r->format;
    }
    if (!ext) {
        *keep_ext = 1;
        return IB_FMT_FROM_LOADER;
    }
    if (named != IB_FMT_KEEP) {
        *keep_ext = 1;
        return named;
    }
    return fallback_format(ext);
}

enum ib_format ib_output_format(const struct ib_rendition *r,
                                const struct ib_input_name *in)
{
    int keep_ext;
    return choose_format(r, extension_of(name_of(in)), &keep_ext);
}

/* The directory an output goes in, with its '/': the input's own, or
 * below root the input's directory below its PATH; with whole set, the
 * root (or the PATH) itself. */
static void put_directory(const char *root, const struct ib_input_name *in,
                          int whole, struct ib_buf *out)
{
    const char *name = name_of(in);
    const char *rel = in->path + in->rel;
    if (!root) {
        ib_buf_put(out, in->path, (size_t)((whole ? rel : name) - in->path));
        return;
    }
    ib_buf_put_str(out, root);
    if (out->len && out->data[out->len - 1] != '/')
        ib_buf_putc(out, '/');
    if (!whole)
        ib_buf_put(out, rel, (size_t)(name - rel));
}

/* <prefix><name>, the extension made the format's where it changes. */
static void put_default_name(const struct ib_rendition *r,
                             const struct ib_input_name *in, struct ib_buf *out)
{
    const char *name = name_of(in);
    const char *ext = extension_of(name);
    int keep_ext;
    enum ib_format f = choose_format(r, ext, &keep_ext);
    ib_buf_put_str(out, r->prefix);
    if (keep_ext) {
        ib_buf_put_str(out, name);
        return;
    }
    ib_buf_put(out, name, ext ? (size_t)(ext - 1 - name) : strlen(name));
    ib_buf_putc(out, '.');
    ib_buf_put_str(out, ib_format_extension(f));
}

static void name_fields(const struct ib_rendition *r,
                        const struct ib_input_name *in,
                        const struct ib_output_facts *facts,
                        struct ib_name_fields *f)
{
    const char *name = name_of(in);
    const char *ext = extension_of(name);
    const char *rel = in->path + in->rel;
    int keep_ext;
    enum ib_format format = choose_format(r, ext, &keep_ext);
    memset(f, 0, sizeof(*f));
    f->name = name;
    f->stem = name;
    f->stem_len = ext ? (size_t)(ext - 1 - name) : strlen(name);
    f->ext = keep_ext ? (ext ? ext : "") : ib_format_extension(format);
    f->dir = rel;
    f->dir_len = name > rel ? (size_t)(name - rel - 1) : 0;
    f->w = facts->w;
    f->h = facts->h;
    f->size = r->size_text;
    f->format = format == IB_FMT_FROM_LOADER ? "auto" : ib_format_name(format);
    f->q = r->quality;
    f->variant = r->variant;
    f->hash = facts->hash;
}

int ib_output_path(const struct ib_rendition *r, const char *root,
                   const struct ib_input_name *in,
                   const struct ib_output_facts *facts, struct ib_buf *out,
                   char *why, size_t why_len)
{
    ib_buf_reset(out);
    if (!r->name) {
        put_directory(root, in, 0, out);
        put_default_name(r, in, out);
        ib_buf_cstr(out);
        return 0;
    }
    struct ib_name_fields f;
    name_fields(r, in, facts, &f);
    struct ib_buf name;
    ib_buf_init(&name);
    int rc = ib_name_expand(r->name, &f, &name, why, why_len);
    if (rc == 0) {
        put_directory(root, in, ib_name_has_dir(r->name), out);
        ib_buf_put(out, name.data, name.len);
    }
    ib_buf_free(&name);
    ib_buf_cstr(out);
    return rc;
}

void ib_output_base(const char *root, const struct ib_input_name *in,
                    struct ib_buf *out)
{
    ib_buf_reset(out);
    put_directory(root, in, 0, out);
    while (out->len > 1 && out->data[out->len - 1] == '/')
        out->len--;
    if (out->len == 0)
        ib_buf_putc(out, '.');
    ib_buf_cstr(out);
}

/* fnmatch's special characters, escaped. */
static void put_literal(struct ib_buf *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (strchr("*?[]\\", s[i]))
            ib_buf_putc(b, '\\');
        ib_buf_putc(b, s[i]);
    }
}

/* What a field of r's template is for every input, or NULL when it
 * depends on the input ({name}, {stem}, {ext}, {dir}) or on the output
 * ({w}, {h}, {hash:N}). text holds a number. */
static const char *constant_field(const struct ib_rendition *r,
                                  const char *field, size_t len, char *text,
                                  size_t text_len)
{
#define IS(name) (len == sizeof(name) - 1 && memcmp(field, name, len) == 0)
    if (IS("size"))
        return r->size_text;
    if (IS("variant"))
        return r->variant;
    if (IS("q")) {
        snprintf(text, text_len, "%d", r->quality);
        return text;
    }
    if (IS("format") && r->format != IB_FMT_KEEP)
        return ib_format_name(r->format);
    return NULL;
#undef IS
}

/* The last component of a template as a pattern: a field that is the same
 * for every input is its text, any other '*'. *literal is set when the
 * template itself has more than fields and dots there. */
static void template_pattern(const struct ib_rendition *r, struct ib_buf *b,
                             int *literal)
{
    const char *slash = strrchr(r->name, '/');
    const char *p = slash ? slash + 1 : r->name;
    *literal = 0;
    while (*p) {
        if ((p[0] == '{' && p[1] == '{') || (p[0] == '}' && p[1] == '}')) {
            put_literal(b, p, 1);
            *literal = 1;
            p += 2;
        } else if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close)
                return;
            char text[16];
            const char *value = constant_field(
                r, p + 1, (size_t)(close - p - 1), text, sizeof(text));
            if (value)
                put_literal(b, value, strlen(value));
            else if (!b->len || b->data[b->len - 1] != '*')
                ib_buf_putc(b, '*');
            p = close + 1;
        } else {
            *literal |= *p != '.';
            put_literal(b, p, 1);
            p++;
        }
    }
}

const char *ib_output_pattern(const struct ib_rendition *r, struct ib_buf *buf)
{
    ib_buf_reset(buf);
    if (!r->name) {
        if (!r->prefix[0])
            return NULL;
        put_literal(buf, r->prefix, strlen(r->prefix));
        ib_buf_putc(buf, '*');
        return ib_buf_cstr(buf);
    }
    int literal;
    template_pattern(r, buf, &literal);
    return literal ? ib_buf_cstr(buf) : NULL;
}
