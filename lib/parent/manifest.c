/* SPDX-License-Identifier: MIT */
/* The srcset manifest (manifest.h). */
#define _POSIX_C_SOURCE 200809L
#include "manifest.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imgbatch/alloc.h"
#include "imgbatch/buf.h"
#include "imgbatch/format.h"
#include "imgbatch/tempfile.h"
#include "imgbatch/text.h"

#define HEADER "{\"version\":1,\"inputs\":{\n"
#define FOOTER "}}\n"

/* One input's line, without its trailing ",": "key":[...]. */
struct line {
    const char *text;
    size_t key_len; /* the JSON string key's length, quotes included */
};

struct ib_manifest {
    const struct ib_settings *s;
    struct ib_arena text;
    struct line *v;
    size_t n, cap;
};

struct ib_manifest *ib_manifest_new(const struct ib_settings *s)
{
    if (!s->manifest)
        return NULL;
    struct ib_manifest *m = ib_xcalloc(1, sizeof(*m));
    m->s = s;
    ib_arena_init(&m->text);
    return m;
}

void ib_manifest_free(struct ib_manifest *m)
{
    if (!m)
        return;
    free(m->v);
    ib_arena_free(&m->text);
    free(m);
}

static void push(struct ib_manifest *m, const char *text, size_t len,
                 size_t key_len)
{
    m->v = ib_xgrow(m->v, &m->cap, m->n + 1, sizeof(*m->v));
    m->v[m->n++] = (struct line){ib_arena_store(&m->text, text, len), key_len};
}

static void put_number(struct ib_buf *b, const char *name, long long v)
{
    char text[64];
    snprintf(text, sizeof(text), ",\"%s\":%lld", name, v);
    ib_buf_put_str(b, text);
}

static void put_output(struct ib_buf *b, const struct ib_rendition *r,
                       const struct ib_output_outcome *oo)
{
    ib_buf_put_str(b, "{\"path\":");
    ib_json_put_string(b, oo->path);
    put_number(b, "width", oo->out_w);
    put_number(b, "height", oo->out_h);
    ib_buf_put_str(b, ",\"format\":\"");
    ib_buf_put_str(b, ib_format_name(oo->format));
    ib_buf_put_str(b, "\"");
    put_number(b, "bytes", oo->out_bytes);
    ib_buf_put_str(b, ",\"variant\":");
    ib_json_put_string(b, r->variant);
    ib_buf_putc(b, '}');
}

void ib_manifest_add(struct ib_manifest *m, const char *input,
                     const struct ib_outcome *o)
{
    if (!m)
        return;
    struct ib_buf b;
    ib_buf_init(&b);
    ib_json_put_string(&b, input);
    size_t key_len = b.len;
    ib_buf_put_str(&b, ":[");
    int first = 1;
    for (int i = 0; i < o->noutputs; i++) {
        const struct ib_output_outcome *oo = &o->outputs[i];
        if (oo->status != IB_STATUS_OK)
            continue;
        if (!first)
            ib_buf_putc(&b, ',');
        first = 0;
        put_output(&b, &m->s->renditions[i], oo);
    }
    ib_buf_putc(&b, ']');
    if (!first)
        push(m, (const char *)b.data, b.len, key_len);
    ib_buf_free(&b);
}

static int by_key(const void *a, const void *b)
{
    const struct line *x = a, *y = b;
    size_t n = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(x->text, y->text, n);
    return c ? c : (x->key_len > y->key_len) - (x->key_len < y->key_len);
}

/* The key of a line of an earlier manifest: its leading JSON string. */
static size_t key_length(const char *line)
{
    if (line[0] != '"')
        return 0;
    for (size_t i = 1; line[i]; i++) {
        if (line[i] == '\\' && line[i + 1])
            i++;
        else if (line[i] == '"')
            return i + 1;
    }
    return 0;
}

/* Under -u: the lines of inputs not made this run. */
static void merge_previous(struct ib_manifest *m, size_t made)
{
    FILE *f = fopen(m->s->manifest, "r");
    if (!f)
        return;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == ','))
            line[--n] = '\0';
        size_t key_len = key_length(line);
        if (!key_len || line[key_len] != ':')
            continue;
        struct line probe = {line, key_len};
        if (made && bsearch(&probe, m->v, made, sizeof(*m->v), by_key))
            continue;
        push(m, line, (size_t)n, key_len);
    }
    free(line);
    fclose(f);
}

int ib_manifest_write(struct ib_manifest *m)
{
    size_t made = m->n;
    if (made > 1)
        qsort(m->v, made, sizeof(*m->v), by_key);
    if (m->s->update)
        merge_previous(m, made);
    if (m->n > 1)
        qsort(m->v, m->n, sizeof(*m->v), by_key);
    struct ib_buf b;
    ib_buf_init(&b);
    ib_buf_put_str(&b, HEADER);
    for (size_t i = 0; i < m->n; i++) {
        ib_buf_put_str(&b, m->v[i].text);
        ib_buf_put_str(&b, i + 1 < m->n ? ",\n" : "\n");
    }
    ib_buf_put_str(&b, FOOTER);
    int rc = ib_write_file_atomic(m->s->manifest, b.data, b.len);
    int saved = errno;
    ib_buf_free(&b);
    errno = saved;
    return rc;
}
