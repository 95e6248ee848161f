/* SPDX-License-Identifier: MIT */
/* Output naming: <dir>/<prefix><name>, where <dir> is the input's own
 * directory, or a root (--output, --golden, --diff-dir) plus the input's
 * path below its PATH argument.
 * With -f the extension becomes the format's, unless the input's extension
 * already names that format (a.JPG stays a.JPG with -f jpg). */
#include "outpath.h"

#include <string.h>
#include <strings.h>

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

static const char *extension_of(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && dot != name ? dot + 1 : NULL;
}

/* Chooses the format and whether the name keeps its extension. */
static enum ib_format choose_format(const struct ib_settings *s,
                                    const char *ext, int *keep_name)
{
    enum ib_format named = ext ? ib_format_from_extension(ext) : IB_FMT_KEEP;
    *keep_name = 0;
    if (s->format != IB_FMT_KEEP) {
        *keep_name = named == s->format;
        return s->format;
    }
    if (!ext) {
        *keep_name = 1;
        return IB_FMT_FROM_LOADER;
    }
    if (named != IB_FMT_KEEP) {
        *keep_name = 1;
        return named;
    }
    return fallback_format(ext);
}

static void put_directory(const char *root, const struct ib_entry *e,
                          const char *name, struct ib_buf *out)
{
    if (root) {
        ib_buf_put_str(out, root);
        if (out->len && out->data[out->len - 1] != '/')
            ib_buf_putc(out, '/');
        const char *rel = ib_entry_rel(e);
        ib_buf_put(out, rel, (size_t)(name - rel));
    } else {
        ib_buf_put(out, e->path, (size_t)(name - e->path));
    }
}

enum ib_format ib_output_path(const struct ib_settings *s, const char *root,
                              const struct ib_entry *e, struct ib_buf *out)
{
    const char *slash = strrchr(e->path, '/');
    const char *name = slash ? slash + 1 : e->path;
    const char *ext = extension_of(name);
    int keep_name;
    enum ib_format f = choose_format(s, ext, &keep_name);

    ib_buf_reset(out);
    put_directory(root, e, name, out);
    ib_buf_put_str(out, s->prefix);
    if (keep_name) {
        ib_buf_put_str(out, name);
    } else {
        size_t stem = ext ? (size_t)(ext - 1 - name) : strlen(name);
        ib_buf_put(out, name, stem);
        ib_buf_putc(out, '.');
        ib_buf_put_str(out, ib_format_extension(f));
    }
    ib_buf_cstr(out);
    return f;
}
