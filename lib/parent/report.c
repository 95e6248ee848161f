/* SPDX-License-Identifier: MIT */
/* Report records. Strings are exact UTF-8 when the name is valid UTF-8;
 * otherwise the string carries U+FFFD and a sibling "<field>_base64" holds
 * the exact bytes, so every name survives a round trip through the report
 * (see the README's retry recipe). */
#include "imgbatch/report.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>

#include "imgbatch/text.h"

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

void ib_report_format_file(struct ib_buf *out, const struct ib_entry *e,
                           const char *output, const struct ib_outcome *o)
{
    ib_buf_put_str(out, "{\"type\":\"file\",");
    put_path_field(out, "input", e->path);
    ib_buf_putc(out, ',');
    put_path_field(out, "output", o->status == IB_STATUS_OK ? output : NULL);
    ib_buf_put_str(out, ",\"status\":\"");
    ib_buf_put_str(out, status_name(o->status));
    ib_buf_put_str(out, "\",\"error\":");
    if (o->status == IB_STATUS_OK)
        ib_buf_put_str(out, "null");
    else
        ib_json_put_string(out, o->error);
    put_number(out, "in_w", o->in_w);
    put_number(out, "in_h", o->in_h);
    put_number(out, "out_w", o->out_w);
    put_number(out, "out_h", o->out_h);
    put_number(out, "in_bytes", o->in_bytes);
    put_number(out, "out_bytes", o->out_bytes);
    char ms[64];
    snprintf(ms, sizeof(ms), ",\"ms\":%.1f", (double)o->usec / 1000.0);
    ib_buf_put_str(out, ms);
    if (o->status == IB_STATUS_OK && o->pipeline != IB_PIPELINE_NONE)
        ib_buf_put_str(out, o->pipeline == IB_PIPELINE_DIRECT_JPEG
                                ? ",\"pipeline\":\"direct-jpeg\""
                                : ",\"pipeline\":\"libvips\"");
    if (o->status == IB_STATUS_OK && o->golden != IB_GOLDEN_NONE) {
        static const char *const names[] = {
            "",        "match",   "mismatch", "missing-golden",
            "created", "updated", "unchanged"};
        ib_buf_put_str(out, ",\"golden\":\"");
        ib_buf_put_str(out, names[o->golden]);
        ib_buf_put_str(out, "\",\"figures\":");
        if (o->error[0])
            ib_json_put_string(out, o->error);
        else
            ib_buf_put_str(out, "null");
    }
    ib_buf_putc(out, '}');
}

int ib_report_open(struct ib_report *r, const char *path)
{
    memset(r, 0, sizeof(*r));
    ib_buf_init(&r->line);
    if (strcmp(path, "-") == 0) {
        r->f = stdout;
    } else {
        r->f = fopen(path, "w");
        if (!r->f)
            return -1;
        r->own = 1;
    }
    /* One line at a time: a tail -f or a pipe sees each file as it ends,
     * and a killed run leaves whole lines only. */
    setvbuf(r->f, NULL, _IOLBF, 0);
    return 0;
}

static void write_line(struct ib_report *r)
{
    if (!r->f || r->error)
        return;
    ib_buf_putc(&r->line, '\n');
    if (fwrite(r->line.data, 1, r->line.len, r->f) != r->line.len ||
        fflush(r->f) != 0)
        r->error = errno ? errno : EIO;
}

void ib_report_orphan(struct ib_report *r, const char *golden)
{
    ib_buf_reset(&r->line);
    ib_buf_put_str(&r->line, "{\"type\":\"orphan\",");
    put_path_field(&r->line, "golden", golden);
    ib_buf_putc(&r->line, '}');
    write_line(r);
}

void ib_report_file(struct ib_report *r, const struct ib_entry *e,
                    const char *output, const struct ib_outcome *o)
{
    ib_buf_reset(&r->line);
    ib_report_format_file(&r->line, e, output, o);
    write_line(r);
}

/* The peak resident memory of the parent and of the largest worker, in KiB
 * (getrusage: a worker counts once it has been reaped, which it has by the
 * time the summary is written). */
static long peak_rss_kib(int who)
{
    struct rusage ru;
    return getrusage(who, &ru) == 0 ? ru.ru_maxrss : 0;
}

void ib_report_summary(struct ib_report *r, const struct ib_batch_result *b,
                       int interrupted_by, int exit_code)
{
    char text[640];
    const struct ib_batch_counts *c = &b->counts;
    snprintf(text, sizeof(text),
             "{\"type\":\"summary\",\"version\":%d,\"total\":%zu,\"ok\":%zu,"
             "\"failed\":%zu,\"skipped\":%zu,\"seconds\":%.3f,"
             "\"interrupted\":%s,\"exit\":%d,\"parent_rss_kib\":%ld,"
             "\"worker_rss_kib\":%ld}",
             IB_REPORT_VERSION, c->total, c->ok, c->failed, c->skipped,
             c->seconds, interrupted_by ? "true" : "false", exit_code,
             peak_rss_kib(RUSAGE_SELF), peak_rss_kib(RUSAGE_CHILDREN));
    ib_buf_reset(&r->line);
    ib_buf_put_str(&r->line, text);
    write_line(r);
}

int ib_report_close(struct ib_report *r)
{
    int err = r->error;
    if (r->own && fclose(r->f) != 0 && !err)
        err = errno;
    r->f = NULL;
    ib_buf_free(&r->line);
    return err;
}
