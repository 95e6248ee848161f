/* SPDX-License-Identifier: MIT */
/* Report records. Strings are exact UTF-8 when the name is valid UTF-8;
 * otherwise the string carries U+FFFD and a sibling "<field>_base64" holds
 * the exact bytes, so every name survives a round trip through the report
 * (see the README's retry recipe). */
#define _POSIX_C_SOURCE 200809L
#include "imgbatch/report.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "imgbatch/format.h"
#include "imgbatch/name.h"
#include "imgbatch/outpath.h"
#include "imgbatch/text.h"
#include "imgbatch/tolerance.h"
#include "imgbatch/version.h"

static const char *status_name(int status)
{
    switch (status) {
    case IB_STATUS_OK: return "ok";
    case IB_STATUS_SKIPPED: return "skipped";
    default: return "failed";
    }
}

/* "name":"value" and, when the value is not exact UTF-8, its base64. */
static void put_path_field(struct ib_buf *out, const char *name,
                           const char *value)
{
    ib_buf_putc(out, '"');
    ib_buf_put_str(out, name);
    ib_buf_put_str(out, "\":");
    if (!value) {
        ib_buf_put_str(out, "null");
        return;
    }
    if (!ib_json_put_string(out, value))
        return;
    ib_buf_put_str(out, ",\"");
    ib_buf_put_str(out, name);
    ib_buf_put_str(out, "_base64\":\"");
    ib_base64_put(out, value, strlen(value));
    ib_buf_putc(out, '"');
}

static void put_number(struct ib_buf *out, const char *name, long long v)
{
    char text[64];
    snprintf(text, sizeof(text), ",\"%s\":%lld", name, v);
    ib_buf_put_str(out, text);
}

static const char *const golden_names[] = {
    "",        "match",   "mismatch", "missing-golden",
    "created", "updated", "unchanged"};

static void put_ms(struct ib_buf *out, long long usec)
{
    char ms[64];
    snprintf(ms, sizeof(ms), ",\"ms\":%.1f", (double)usec / 1000.0);
    ib_buf_put_str(out, ms);
}

static void put_pipeline(struct ib_buf *out, int pipeline)
{
    static const char *const names[] = {
        [IB_PIPELINE_LIBVIPS] = "libvips",
        [IB_PIPELINE_DIRECT_JPEG] = "direct-jpeg",
        [IB_PIPELINE_COPY] = "copy",
        [IB_PIPELINE_DIRECT_PNG] = "direct-png",
        [IB_PIPELINE_DIRECT_HEIF] = "direct-heif",
    };
    if (pipeline == IB_PIPELINE_NONE)
        return;
    ib_buf_put_str(out, ",\"pipeline\":\"");
    ib_buf_put_str(out, names[pipeline]);
    ib_buf_putc(out, '"');
}

/* The quality of a lossy output, and the encodings --max-bytes made. */
static void put_quality(struct ib_buf *out, const struct ib_output_outcome *oo)
{
    if (oo->quality > 0)
        put_number(out, "quality", oo->quality);
    if (oo->encodes > 0)
        put_number(out, "encodes", oo->encodes);
}

/* The figures as numbers: psnr is null when the images are identical
 * (JSON has no infinity). */
static void put_figures(struct ib_buf *out, const struct ib_golden_figures *f)
{
    char text[160];
    if (!f->known)
        return;
    snprintf(text, sizeof(text), ",\"max_diff\":%d,\"fraction\":%.6g",
             f->max_diff, f->fraction);
    ib_buf_put_str(out, text);
    if (f->psnr >= IB_PSNR_IDENTICAL)
        snprintf(text, sizeof(text), ",\"psnr\":null");
    else
        snprintf(text, sizeof(text), ",\"psnr\":%.2f", f->psnr);
    ib_buf_put_str(out, text);
}

static void put_golden(struct ib_buf *out, const struct ib_output_outcome *oo)
{
    if (oo->golden == IB_GOLDEN_NONE)
        return;
    ib_buf_put_str(out, ",\"golden\":\"");
    ib_buf_put_str(out, golden_names[oo->golden]);
    ib_buf_put_str(out, "\",\"figures\":");
    if (oo->error && oo->error[0])
        ib_json_put_string(out, oo->error);
    else
        ib_buf_put_str(out, "null");
    put_figures(out, &oo->figures);
}

/* "why": why the output was made, or "up to date" when it was kept. */
static void put_why(struct ib_buf *out, const struct ib_output_outcome *oo)
{
    ib_buf_put_str(out, ",\"why\":");
    if (oo && oo->why)
        ib_json_put_string(out, oo->why);
    else
        ib_buf_put_str(out, "null");
}

/* The date to the second, formatted once a second: a batch writes
 * thousands of records a second, each with a time (gmtime_r and strftime
 * were 1.5% of the parent's samples on 20,000 tiny files with --report;
 * now under 0.1%). */
static const char *date_of(time_t second)
{
    static time_t formatted = (time_t)-1;
    static char date[32];
    if (second != formatted) {
        struct tm tm;
        gmtime_r(&second, &tm);
        strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
        formatted = second;
    }
    return date;
}

/* "time": now, in UTC, to the millisecond (2026-12-04T21:21:07.123Z). */
static void put_time(struct ib_buf *out, const char *name)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int ms = (int)(ts.tv_nsec / 1000000);
    const char millis[] = {'.',
                           (char)('0' + ms / 100),
                           (char)('0' + ms / 10 % 10),
                           (char)('0' + ms % 10),
                           'Z',
                           '"',
                           '\0'};
    ib_buf_put_str(out, ",\"");
    ib_buf_put_str(out, name);
    ib_buf_put_str(out, "\":\"");
    ib_buf_put_str(out, date_of(ts.tv_sec));
    ib_buf_put_str(out, millis);
}

static int is_kept(const struct ib_output_outcome *oo)
{
    return oo->status == IB_STATUS_SKIPPED && oo->why &&
           strcmp(oo->why, "up to date") == 0;
}

/* The output the input's own record speaks of: the first made, else the
 * first kept up to date (it exists too). */
static const struct ib_output_outcome *first_made(const struct ib_outcome *o)
{
    for (int i = 0; i < o->noutputs; i++)
        if (o->outputs[i].status == IB_STATUS_OK)
            return &o->outputs[i];
    for (int i = 0; i < o->noutputs; i++)
        if (is_kept(&o->outputs[i]))
            return &o->outputs[i];
    return NULL;
}

void ib_report_format_file(struct ib_buf *out, const struct ib_entry *e,
                           const struct ib_outcome *o)
{
    static const struct ib_output_outcome none = {.path = NULL};
    const struct ib_output_outcome *first = first_made(o);
    const struct ib_output_outcome *oo = first ? first : &none;
    ib_buf_put_str(out, "{\"type\":\"file\",");
    put_path_field(out, "input", e->path);
    ib_buf_putc(out, ',');
    put_path_field(out, "output", first ? first->path : NULL);
    ib_buf_put_str(out, ",\"status\":\"");
    ib_buf_put_str(out, status_name(o->status));
    ib_buf_put_str(out, "\",\"error\":");
    if (o->status == IB_STATUS_OK)
        ib_buf_put_str(out, "null");
    else
        ib_json_put_string(out, o->error);
    put_number(out, "in_w", o->in_w);
    put_number(out, "in_h", o->in_h);
    put_number(out, "out_w", oo->out_w);
    put_number(out, "out_h", oo->out_h);
    put_number(out, "in_bytes", o->in_bytes);
    put_number(out, "out_bytes", oo->out_bytes);
    put_ms(out, o->usec);
    if (o->status == IB_STATUS_OK) {
        put_pipeline(out, oo->pipeline);
        put_golden(out, oo);
    }
    put_why(out, first);
    int made = 0;
    for (int i = 0; i < o->noutputs; i++)
        made += o->outputs[i].status == IB_STATUS_OK;
    put_number(out, "outputs", made);
    put_time(out, "time");
    ib_buf_putc(out, '}');
}

void ib_report_format_output(struct ib_buf *out, const struct ib_entry *e,
                             const char *variant,
                             const struct ib_output_outcome *oo)
{
    ib_buf_put_str(out, "{\"type\":\"output\",");
    put_path_field(out, "input", e->path);
    ib_buf_putc(out, ',');
    put_path_field(out, "output", oo->path && oo->path[0] ? oo->path : NULL);
    ib_buf_put_str(out, ",\"variant\":");
    ib_json_put_string(out, variant);
    ib_buf_put_str(out, ",\"status\":\"");
    ib_buf_put_str(out, status_name(oo->status));
    ib_buf_put_str(out, "\",\"error\":");
    if (oo->status == IB_STATUS_OK || !oo->error || !oo->error[0])
        ib_buf_put_str(out, "null");
    else
        ib_json_put_string(out, oo->error);
    if (oo->status == IB_STATUS_OK) {
        ib_buf_put_str(out, ",\"format\":\"");
        ib_buf_put_str(out, ib_format_name(oo->format));
        ib_buf_putc(out, '"');
    }
    put_number(out, "w", oo->out_w);
    put_number(out, "h", oo->out_h);
    put_number(out, "bytes", oo->out_bytes);
    put_ms(out, oo->usec);
    if (oo->status == IB_STATUS_OK) {
        put_pipeline(out, oo->pipeline);
        put_golden(out, oo);
        put_quality(out, oo);
    } else if (oo->encodes > 0) {
        put_number(out, "encodes", oo->encodes);
    }
    put_why(out, oo);
    put_time(out, "time");
    ib_buf_putc(out, '}');
}

int ib_report_open(struct ib_report *r, const char *path)
{
    memset(r, 0, sizeof(*r));
    ib_buf_init(&r->line);
    ib_buf_init(&r->pending);
    /* The run's start, for the summary: the report opens just before the
     * batch runs. */
    struct ib_buf now;
    ib_buf_init(&now);
    put_time(&now, "t");
    snprintf(r->started, sizeof(r->started), "%s",
             ib_buf_cstr(&now) + strlen(",\"t\":"));
    ib_buf_free(&now);
    if (strcmp(path, "-") == 0) {
        r->f = stdout;
    } else {
        r->f = fopen(path, "w");
        if (!r->f)
            return -1;
        r->own = 1;
    }
    /* Lines are written whole, a flush at a time (ib_report_flush): a
     * tail -f or a pipe sees each file within a tick of its end, and a
     * killed run leaves whole lines only. */
    setvbuf(r->f, NULL, _IOLBF, 0);
    return 0;
}

enum { PENDING_MAX = 64 * 1024 };

void ib_report_flush(struct ib_report *r)
{
    if (!r->f || r->error || r->pending.len == 0)
        return;
    if (fwrite(r->pending.data, 1, r->pending.len, r->f) != r->pending.len ||
        fflush(r->f) != 0)
        r->error = errno ? errno : EIO;
    ib_buf_reset(&r->pending);
}

static void write_line(struct ib_report *r)
{
    if (!r->f || r->error)
        return;
    ib_buf_put(&r->pending, r->line.data, r->line.len);
    ib_buf_putc(&r->pending, '\n');
    /* On stdout (--report -) a line goes at once: other lines (-n's)
     * share the stream, and must stay in order with it. */
    if (r->pending.len >= PENDING_MAX || !r->own)
        ib_report_flush(r);
}

void ib_report_orphan(struct ib_report *r, const char *golden)
{
    ib_buf_reset(&r->line);
    ib_buf_put_str(&r->line, "{\"type\":\"orphan\",");
    put_path_field(&r->line, "golden", golden);
    put_time(&r->line, "time");
    ib_buf_putc(&r->line, '}');
    write_line(r);
}

void ib_report_pruned(struct ib_report *r, const char *output,
                      const char *input, const char *reason)
{
    ib_buf_reset(&r->line);
    ib_buf_put_str(&r->line, "{\"type\":\"pruned\",");
    put_path_field(&r->line, "output", output);
    ib_buf_putc(&r->line, ',');
    put_path_field(&r->line, "input", input);
    ib_buf_put_str(&r->line, ",\"reason\":");
    ib_json_put_string(&r->line, reason);
    put_time(&r->line, "time");
    ib_buf_putc(&r->line, '}');
    write_line(r);
}

/* An input that failed (or was not tried) as a whole: each of its
 * outputs with its status and reason, so that every input has a record
 * per rendition. The path is the one it would have had, when known
 * before it is made. */
static void report_input_outcome(struct ib_report *r, const struct ib_entry *e,
                                 const struct ib_settings *s,
                                 const struct ib_outcome *o)
{
    struct ib_buf path;
    ib_buf_init(&path);
    struct ib_input_name in = {e->path, e->rel};
    for (int i = 0; i < s->nrenditions; i++) {
        const struct ib_rendition *rd = &s->renditions[i];
        char why[256];
        int known = !(rd->name && ib_name_is_late(rd->name)) &&
                    ib_output_path(rd, s->outdir, &in, &IB_OUTPUT_UNKNOWN,
                                   &path, why, sizeof(why)) == 0;
        struct ib_output_outcome oo = {.status = o->status,
                                       .path =
                                           known ? ib_buf_cstr(&path) : NULL,
                                       .error = o->error};
        ib_buf_reset(&r->line);
        ib_report_format_output(&r->line, e, rd->variant, &oo);
        write_line(r);
    }
    ib_buf_free(&path);
}

void ib_report_file(struct ib_report *r, const struct ib_entry *e,
                    const struct ib_settings *s, const struct ib_outcome *o)
{
    ib_buf_reset(&r->line);
    ib_report_format_file(&r->line, e, o);
    write_line(r);
    if (o->noutputs) {
        for (int i = 0; i < o->noutputs; i++) {
            ib_buf_reset(&r->line);
            ib_report_format_output(&r->line, e, s->renditions[i].variant,
                                    &o->outputs[i]);
            write_line(r);
        }
    } else if (e->state == IB_ENTRY_INPUT) {
        report_input_outcome(r, e, s, o);
    }
}

/* The peak resident memory of the parent and of the largest worker, in KiB
 * (getrusage: a worker counts once it has been reaped, which it has by the
 * time the summary is written). */
static long peak_rss_kib(int who)
{
    struct rusage ru;
    return getrusage(who, &ru) == 0 ? ru.ru_maxrss : 0;
}

/* "golden": the outputs by verdict, or null without --golden. */
static void put_golden_counts(struct ib_buf *out, const struct ib_settings *s,
                              const struct ib_batch_counts *c)
{
    char text[256];
    const size_t *g = c->golden;
    if (s->update_golden)
        snprintf(text, sizeof(text),
                 ",\"golden\":{\"created\":%zu,\"updated\":%zu,"
                 "\"unchanged\":%zu}",
                 g[IB_GOLDEN_CREATED], g[IB_GOLDEN_UPDATED],
                 g[IB_GOLDEN_UNCHANGED]);
    else if (s->golden_dir)
        snprintf(text, sizeof(text),
                 ",\"golden\":{\"match\":%zu,\"mismatch\":%zu,"
                 "\"missing\":%zu,\"orphan\":%zu}",
                 g[IB_GOLDEN_MATCH], g[IB_GOLDEN_MISMATCH],
                 g[IB_GOLDEN_MISSING], c->orphans);
    else
        snprintf(text, sizeof(text), ",\"golden\":null");
    ib_buf_put_str(out, text);
}

void ib_report_summary(struct ib_report *r, const struct ib_settings *s,
                       const struct ib_batch_result *b, int interrupted_by,
                       int exit_code)
{
    char text[640];
    const struct ib_batch_counts *c = &b->counts;
    snprintf(text, sizeof(text),
             "{\"type\":\"summary\",\"version\":%d,\"imgbatch_version\":"
             "\"%s\",\"libvips_version\":\"%s\",\"total\":%zu,\"ok\":%zu,"
             "\"failed\":%zu,\"skipped\":%zu,\"dry_run\":%s,"
             "\"would_resize\":%zu,\"pruned\":%zu,\"seconds\":%.3f,"
             "\"interrupted\":%s,\"exit\":%d,\"parent_rss_kib\":%ld,"
             "\"worker_rss_kib\":%ld",
             IB_REPORT_VERSION, IMGBATCH_VERSION, IMGBATCH_VIPS_BUILD_VERSION,
             c->total, c->ok, c->failed, c->skipped,
             s->dry_run ? "true" : "false", c->would, c->pruned, c->seconds,
             interrupted_by ? "true" : "false", exit_code,
             peak_rss_kib(RUSAGE_SELF), peak_rss_kib(RUSAGE_CHILDREN));
    ib_buf_reset(&r->line);
    ib_buf_put_str(&r->line, text);
    put_golden_counts(&r->line, s, c);
    ib_buf_put_str(&r->line, ",\"started\":");
    ib_buf_put_str(&r->line, r->started);
    put_time(&r->line, "time");
    ib_buf_putc(&r->line, '}');
    write_line(r);
    ib_report_flush(r);
}

int ib_report_close(struct ib_report *r)
{
    ib_report_flush(r);
    int err = r->error;
    if (r->own && fclose(r->f) != 0 && !err)
        err = errno;
    r->f = NULL;
    ib_buf_free(&r->line);
    ib_buf_free(&r->pending);
    return err;
}
