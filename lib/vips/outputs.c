/* SPDX-License-Identifier: MIT */
/* The outputs of one input (outputs.h). */
#define _POSIX_C_SOURCE 200809L
#include "outputs.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imgbatch/fdio.h"
#include "imgbatch/clock.h"
#include "imgbatch/name.h"

int ib_out_is_late(const struct ib_out *out)
{
    return out->r->name && ib_name_is_late(out->r->name);
}

void ib_out_fail(struct ib_out *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(out->error, sizeof(out->error), fmt, ap);
    va_end(ap);
    out->failed = 1;
}

/* Its path with what is known of it now (all, once it is made). */
static int name_out(const struct ib_outs *outs, struct ib_out *out,
                    const char *root, struct ib_buf *path)
{
    struct ib_output_facts facts = {out->w, out->h,
                                    out->hash[0] ? out->hash : NULL};
    if (!out->pl.bytes && !out->pl.img)
        facts = IB_OUTPUT_UNKNOWN;
    char why[512];
    if (ib_output_path(out->r, root, &outs->in, &facts, path, why,
                       sizeof(why)) == 0)
        return 0;
    ib_out_fail(out, "%s", why);
    return -1;
}

void ib_outs_begin(struct ib_outs *outs, const struct ib_settings *s,
                   const struct ib_task *t)
{
    outs->s = s;
    outs->id = t->id;
    outs->in = (struct ib_input_name){t->input, t->rel};
    outs->input = (struct ib_outs_input){0, 0, 0, 0, 0};
    outs->n = t->noutputs;
    for (int i = 0; i < outs->n; i++) {
        struct ib_out *out = &outs->v[i];
        struct ib_buf path = out->path;
        memset(out, 0, sizeof(*out));
        out->path = path;
        ib_buf_reset(&out->path);
        out->r = &s->renditions[i];
        out->action = t->outputs[i].action;
        out->quality = 0;
        out->blocked = t->outputs[i].reason;
        out->format = ib_output_format(out->r, &outs->in);
        out->crop = VIPS_INTERESTING_NONE;
        if (out->action == IB_OUTPUT_KEEP)
            snprintf(out->error, sizeof(out->error), "up to date");
        if (!ib_out_is_late(out))
            name_out(outs, out, s->outdir, &out->path);
    }
}

int ib_out_to_make(const struct ib_out *out)
{
    return out->action != IB_OUTPUT_KEEP && !out->skip && !out->failed;
}

int ib_outs_to_make(const struct ib_outs *outs)
{
    int n = 0;
    for (int i = 0; i < outs->n; i++)
        n += ib_out_to_make(&outs->v[i]);
    return n;
}

static int is_live(const struct ib_out *out)
{
    return ib_out_to_make(out) && (out->pl.img || out->pl.bytes);
}

/* ---- names known now --------------------------------------------------- */

static void hash_bytes(struct ib_out *out)
{
    gchar *hex = g_compute_checksum_for_data(G_CHECKSUM_SHA256, out->pl.bytes,
                                             out->pl.len);
    snprintf(out->hash, sizeof(out->hash), "%s", hex ? hex : "");
    g_free(hex);
}

static void name_late(struct ib_outs *outs, struct ib_out *out)
{
    if (!is_live(out) || !ib_out_is_late(out))
        return;
    hash_bytes(out);
    name_out(outs, out, outs->s->outdir, &out->path);
}

static int same_bytes(const struct ib_out *a, const struct ib_out *b)
{
    return a->pl.bytes && b->pl.bytes && a->pl.len == b->pl.len &&
           memcmp(a->pl.bytes, b->pl.bytes, a->pl.len) == 0;
}

/* Two outputs of this input with one path: written once when they are the
 * same bytes (the later one then is the earlier's), else neither. */
static void settle_clashes(struct ib_outs *outs, int *same_as)
{
    for (int i = 0; i < outs->n; i++) {
        same_as[i] = -1;
        struct ib_out *b = &outs->v[i];
        for (int j = 0; j < i && is_live(b); j++) {
            struct ib_out *a = &outs->v[j];
            if (same_as[j] >= 0 || a->action == IB_OUTPUT_KEEP || a->skip ||
                strcmp(ib_buf_cstr(&a->path), ib_buf_cstr(&b->path)) != 0)
                continue;
            if (!a->failed && same_bytes(a, b)) {
                same_as[i] = j;
                continue;
            }
            ib_out_fail(b, "same output as the variant '%s'", a->r->variant);
            if (!a->failed)
                ib_out_fail(a, "same output as the variant '%s'",
                            b->r->variant);
        }
    }
}

/* Claims the late names from the parent: one CLAIM, one GRANT. */
static void claim_late(struct ib_outs *outs, const int *same_as,
                       const struct ib_claimer *claimer)
{
    struct ib_claim c = {.id = outs->id, .n = 0};
    for (int i = 0; i < outs->n; i++)
        if (is_live(&outs->v[i]) && same_as[i] < 0 &&
            ib_out_is_late(&outs->v[i])) {
            c.v[c.n].index = i;
            c.v[c.n++].path = ib_buf_cstr(&outs->v[i].path);
        }
    if (c.n == 0 || !claimer)
        return;
    struct ib_grant g;
    if (claimer->claim(claimer->ctx, &c, &g) != 0 || g.n != c.n) {
        for (int i = 0; i < c.n; i++)
            ib_out_fail(&outs->v[c.v[i].index], "the parent did not answer");
        return;
    }
    for (int i = 0; i < c.n; i++)
        if (!g.v[i].ok)
            ib_out_fail(&outs->v[c.v[i].index], "%s", g.v[i].reason);
}

/* ---- writing ----------------------------------------------------------- */

/* The output must never replace the input, whatever links lead there. */
static int is_input_itself(int in_fd, const char *output)
{
    struct stat in, out;
    return fstat(in_fd, &in) == 0 && stat(output, &out) == 0 &&
           in.st_dev == out.st_dev && in.st_ino == out.st_ino;
}

static void compare_golden(struct ib_outs *outs, struct ib_out *out)
{
    const struct ib_settings *s = outs->s;
    if (!s->golden_dir)
        return;
    struct ib_buf golden, pictures;
    ib_buf_init(&golden);
    ib_buf_init(&pictures);
    if (name_out(outs, out, s->golden_dir, &golden) == 0 &&
        (!s->diff_dir || name_out(outs, out, s->diff_dir, &pictures) == 0) &&
        ib_golden_check(s, ib_buf_cstr(&out->path), ib_buf_cstr(&golden),
                        s->diff_dir ? ib_buf_cstr(&pictures) : NULL,
                        &out->golden, out->error, sizeof(out->error)) != 0) {
        out->failed = 1;
        out->golden.verdict = IB_GOLDEN_NONE;
    }
    ib_buf_free(&golden);
    ib_buf_free(&pictures);
}

/* --mtime: what the output's modification time is to be; 0: now. */
static long long mtime_of(const struct ib_outs *outs, const struct ib_out *out)
{
    switch (outs->s->mtime) {
    case IB_MTIME_INPUT: return outs->input.mtime_ns;
    case IB_MTIME_EXIF:
        return out->capture_ns ? out->capture_ns : outs->input.mtime_ns;
    default: return 0;
    }
}

static void write_out(struct ib_outs *outs, struct ib_vips *v, int in_fd,
                      struct ib_out *out)
{
    const char *path = ib_buf_cstr(&out->path);
    if (out->action == IB_OUTPUT_BLOCKED) {
        ib_out_fail(out, "%s", out->blocked);
        return;
    }
    if (is_input_itself(in_fd, path)) {
        ib_out_fail(out, "output '%s' is the input itself", path);
        return;
    }
    struct ib_write_result w = {0, 0, 0, out->error, sizeof(out->error)};
    long long start = ib_now_usec();
    int rc = ib_write_output(outs->s, out->r, v, &out->pl, path,
                             mtime_of(outs, out), &w);
    out->usec += ib_now_usec() - start;
    if (rc != 0) {
        out->failed = 1;
        out->write_errno = w.write_errno;
        return;
    }
    out->bytes = w.bytes;
    out->replaced = w.replaced;
    compare_golden(outs, out);
}

/* ---- --skip-larger ---------------------------------------------------- */

/* The input's whole bytes, malloc'd; NULL when they cannot be read. */
static unsigned char *read_input(int in_fd, long long size)
{
    unsigned char *bytes = malloc(size > 0 ? (size_t)size : 1);
    if (bytes && ib_pread_all(in_fd, bytes, (size_t)size, 0) == (ssize_t)size)
        return bytes;
    free(bytes);
    return NULL;
}

/* An output of the input's size and format that came out larger than the
 * input is the input's bytes instead (they show the same picture). */
static void keep_input_if_smaller(struct ib_outs *outs, int in_fd,
                                  struct ib_out *out)
{
    const struct ib_outs_input *in = &outs->input;
    if (!out->r->skip_larger || !is_live(out) || !out->pl.bytes ||
        in->format != out->format || in->w != out->w || in->h != out->h ||
        (long long)out->pl.len <= in->bytes)
        return;
    unsigned char *bytes = read_input(in_fd, in->bytes);
    if (!bytes)
        return;
    free(out->pl.bytes);
    out->pl.bytes = bytes;
    out->pl.len = (size_t)in->bytes;
    out->pipeline = IB_PIPELINE_COPY;
    out->quality = 0;
}

static void note_input(struct ib_outs *outs, int in_fd)
{
    struct stat st;
    if (fstat(in_fd, &st) != 0)
        return;
    outs->input.bytes = (long long)st.st_size;
    outs->input.mtime_ns =
        (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
}

void ib_outs_commit(struct ib_outs *outs, struct ib_vips *v, int in_fd,
                    const struct ib_claimer *claimer)
{
    int same_as[IB_MAX_OUTPUTS];
    note_input(outs, in_fd);
    for (int i = 0; i < outs->n; i++)
        keep_input_if_smaller(outs, in_fd, &outs->v[i]);
    for (int i = 0; i < outs->n; i++)
        name_late(outs, &outs->v[i]);
    settle_clashes(outs, same_as);
    claim_late(outs, same_as, claimer);
    for (int i = 0; i < outs->n; i++) {
        struct ib_out *out = &outs->v[i];
        if (!is_live(out))
            continue;
        if (same_as[i] < 0) {
            write_out(outs, v, in_fd, out);
            continue;
        }
        const struct ib_out *first = &outs->v[same_as[i]];
        out->failed = first->failed;
        out->bytes = first->bytes;
        out->golden = first->golden;
        snprintf(out->error, sizeof(out->error), "%s", first->error);
    }
}

/* ---- the outcome ------------------------------------------------------- */

static void free_made(struct ib_out *out)
{
    if (out->pl.img)
        g_object_unref(out->pl.img);
    free(out->pl.bytes);
    out->pl.img = NULL;
    out->pl.bytes = NULL;
}

static int status_of(const struct ib_out *out)
{
    if (out->failed)
        return IB_STATUS_FAILED;
    if (out->action == IB_OUTPUT_KEEP || out->skip)
        return IB_STATUS_SKIPPED;
    return out->pl.img || out->pl.bytes ? IB_STATUS_OK : IB_STATUS_FAILED;
}

/* Whether every output failed, for one reason: then the input did (it
 * could not be decoded, say), which is said once. */
static int failed_as_one(const struct ib_outs *outs)
{
    const char *reason = NULL;
    for (int i = 0; i < outs->n; i++) {
        const struct ib_out *out = &outs->v[i];
        if (status_of(out) != IB_STATUS_FAILED)
            return 0;
        if (reason && strcmp(reason, out->error) != 0)
            return 0;
        reason = out->error;
    }
    return reason != NULL;
}

void ib_outs_end(struct ib_outs *outs, struct ib_outcome *o)
{
    int ok = 0, failed = 0, written_errno = 0;
    int as_one = o->status != IB_STATUS_FAILED && failed_as_one(outs);
    if (as_one)
        ib_outcome_fail(o, "%s", outs->v[0].error);
    o->noutputs = o->status == IB_STATUS_FAILED && o->error[0] ? 0 : outs->n;
    for (int i = 0; i < outs->n; i++) {
        struct ib_out *out = &outs->v[i];
        struct ib_output_outcome *oo = &o->outputs[i];
        oo->status = status_of(out);
        oo->out_w = oo->status == IB_STATUS_OK ? out->w : 0;
        oo->out_h = oo->status == IB_STATUS_OK ? out->h : 0;
        oo->out_bytes = oo->status == IB_STATUS_OK ? out->bytes : 0;
        oo->replaced = oo->status == IB_STATUS_OK && out->replaced;
        oo->write_errno = out->write_errno;
        oo->golden = out->golden.verdict;
        oo->golden_limit = out->golden.limit;
        oo->golden_excess = out->golden.excess;
        oo->figures = out->golden.figures;
        oo->pipeline = oo->status == IB_STATUS_OK ? out->pipeline : 0;
        oo->format = out->format == IB_FMT_FROM_LOADER ? 0 : out->format;
        oo->usec = out->usec;
        oo->quality = oo->status == IB_STATUS_OK ? out->quality : 0;
        oo->encodes = out->encodes;
        oo->path = ib_buf_cstr(&out->path);
        oo->error = out->error;
        ok += oo->status == IB_STATUS_OK;
        failed += oo->status == IB_STATUS_FAILED;
        if (out->write_errno)
            written_errno = out->write_errno;
        free_made(out);
    }
    o->write_errno = written_errno;
    if (o->noutputs == 0)
        return;
    o->status = failed ? IB_STATUS_FAILED
                : ok   ? IB_STATUS_OK
                       : IB_STATUS_SKIPPED;
    /* The input's reason: its first failed output's. */
    for (int i = 0; failed && !o->error[0] && i < o->noutputs; i++)
        if (o->outputs[i].status == IB_STATUS_FAILED)
            snprintf(o->error, sizeof(o->error), "%s", o->outputs[i].error);
}
