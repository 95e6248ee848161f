/* SPDX-License-Identifier: MIT */
#include "imgbatch/proto.h"

#include "imgbatch/format.h"
#include "imgbatch/tolerance.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void ib_outcome_fail(struct ib_outcome *o, const char *fmt, ...)
{
    o->status = IB_STATUS_FAILED;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(o->error, sizeof(o->error), fmt, ap);
    va_end(ap);
}

/* ---- encoding ---------------------------------------------------------- */

static void put_u8(struct ib_buf *b, unsigned v)
{
    unsigned char c = (unsigned char)v;
    ib_buf_put(b, &c, 1);
}

static void put_u32(struct ib_buf *b, uint32_t v)
{
    unsigned char c[4];
    for (int i = 0; i < 4; i++)
        c[i] = (unsigned char)(v >> (8 * i));
    ib_buf_put(b, c, 4);
}

static void put_u64(struct ib_buf *b, uint64_t v)
{
    put_u32(b, (uint32_t)v);
    put_u32(b, (uint32_t)(v >> 32));
}

static void put_str(struct ib_buf *b, const char *s)
{
    size_t n = strlen(s);
    put_u32(b, (uint32_t)n);
    ib_buf_put(b, s, n + 1);
}

/* Starts a frame: reserves the length, which end_frame fills in. */
static void begin_frame(struct ib_buf *b, enum ib_msg_type type)
{
    ib_buf_reset(b);
    put_u32(b, 0);
    put_u8(b, type);
}

static void end_frame(struct ib_buf *b)
{
    uint32_t n = (uint32_t)(b->len - 4);
    for (int i = 0; i < 4; i++)
        b->data[i] = (unsigned char)(n >> (8 * i));
}

void ib_proto_put_ready(struct ib_buf *out, uint32_t pid)
{
    begin_frame(out, IB_MSG_READY);
    put_u32(out, pid);
    end_frame(out);
}

void ib_proto_put_start(struct ib_buf *out)
{
    begin_frame(out, IB_MSG_START);
    end_frame(out);
}

void ib_proto_put_unable(struct ib_buf *out, const char *why)
{
    begin_frame(out, IB_MSG_UNABLE);
    put_str(out, why);
    end_frame(out);
}

void ib_proto_put_task(struct ib_buf *out, const struct ib_task *t)
{
    begin_frame(out, IB_MSG_TASK);
    put_u64(out, t->id);
    put_str(out, t->input);
    put_u32(out, t->rel);
    put_u32(out, (uint32_t)t->noutputs);
    for (int i = 0; i < t->noutputs; i++) {
        put_u8(out, (unsigned)t->outputs[i].action);
        put_str(out, t->outputs[i].reason ? t->outputs[i].reason : "");
    }
    end_frame(out);
}

static void put_i64(struct ib_buf *b, long long v)
{
    put_u64(b, (uint64_t)v);
}

static void put_f64(struct ib_buf *b, double v)
{
    uint64_t bits;
    memcpy(&bits, &v, sizeof(bits));
    put_u64(b, bits);
}

/* Only after a golden verdict: frames of batches without --golden carry
 * none. */
static void put_figures(struct ib_buf *out, const struct ib_golden_figures *f)
{
    put_u8(out, f->known ? 1 : 0);
    if (!f->known)
        return;
    put_u32(out, (uint32_t)f->max_diff);
    put_f64(out, f->psnr);
    put_f64(out, f->fraction);
}

static void put_output(struct ib_buf *out, const struct ib_output_outcome *o)
{
    put_u8(out, (unsigned)o->status);
    put_u32(out, (uint32_t)o->out_w);
    put_u32(out, (uint32_t)o->out_h);
    put_i64(out, o->out_bytes);
    put_u8(out, (unsigned)o->replaced);
    put_u32(out, (uint32_t)o->write_errno);
    put_u8(out, (unsigned)o->golden);
    put_u8(out, (unsigned)o->pipeline);
    put_u8(out, (unsigned)o->format);
    put_i64(out, o->usec);
    put_u8(out, (unsigned)o->quality);
    put_u8(out, (unsigned)o->encodes);
    put_str(out, o->path ? o->path : "");
    put_str(out, o->error ? o->error : "");
    if (o->golden != IB_GOLDEN_NONE)
        put_figures(out, &o->figures);
    put_u8(out, (unsigned)o->golden_limit);
    put_u32(out, o->golden_excess);
}

void ib_proto_put_result(struct ib_buf *out, uint64_t id,
                         const struct ib_outcome *o)
{
    begin_frame(out, IB_MSG_RESULT);
    put_u64(out, id);
    put_u8(out, (unsigned)o->status);
    put_u32(out, (uint32_t)o->in_w);
    put_u32(out, (uint32_t)o->in_h);
    put_i64(out, o->in_bytes);
    put_i64(out, o->usec);
    put_u32(out, (uint32_t)o->write_errno);
    put_str(out, o->error);
    put_u32(out, (uint32_t)o->noutputs);
    for (int i = 0; i < o->noutputs; i++)
        put_output(out, &o->outputs[i]);
    end_frame(out);
}

void ib_proto_put_claim(struct ib_buf *out, const struct ib_claim *c)
{
    begin_frame(out, IB_MSG_CLAIM);
    put_u64(out, c->id);
    put_u32(out, (uint32_t)c->n);
    for (int i = 0; i < c->n; i++) {
        put_u32(out, (uint32_t)c->v[i].index);
        put_str(out, c->v[i].path);
    }
    end_frame(out);
}

void ib_proto_put_grant(struct ib_buf *out, const struct ib_grant *g)
{
    begin_frame(out, IB_MSG_GRANT);
    put_u64(out, g->id);
    put_u32(out, (uint32_t)g->n);
    for (int i = 0; i < g->n; i++) {
        put_u8(out, (unsigned)(g->v[i].ok != 0));
        put_str(out, g->v[i].reason ? g->v[i].reason : "");
    }
    end_frame(out);
}

/* ---- decoding ---------------------------------------------------------- */

struct reader {
    const unsigned char *p;
    size_t left;
    int bad;
};

static const unsigned char *take(struct reader *r, size_t n)
{
    if (r->bad || r->left < n) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *p = r->p;
    r->p += n;
    r->left -= n;
    return p;
}

static unsigned get_u8(struct reader *r)
{
    const unsigned char *p = take(r, 1);
    return p ? p[0] : 0;
}

static uint32_t get_u32(struct reader *r)
{
    const unsigned char *p = take(r, 4);
    if (!p)
        return 0;
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
           (uint32_t)p[3] << 24;
}

static uint64_t get_u64(struct reader *r)
{
    uint64_t lo = get_u32(r);
    uint64_t hi = get_u32(r);
    return lo | hi << 32;
}

/* A string must end with its NUL and hold none before it. */
static const char *get_str(struct reader *r)
{
    uint32_t n = get_u32(r);
    if (n >= IB_PROTO_MAX_FRAME) {
        r->bad = 1;
        return NULL;
    }
    const unsigned char *p = take(r, (size_t)n + 1);
    if (!p || p[n] != '\0' || memchr(p, '\0', n)) {
        r->bad = 1;
        return NULL;
    }
    return (const char *)p;
}

/* Dimensions travel as u32 but are ints: reject what does not fit. */
static int get_dim(struct reader *r)
{
    uint32_t v = get_u32(r);
    if (v > 0x7fffffffu)
        r->bad = 1;
    return (int)(v & 0x7fffffffu);
}

int ib_proto_frame(const unsigned char *data, size_t len, size_t *frame_len)
{
    if (len < 4)
        return 0;
    uint32_t n = (uint32_t)data[0] | (uint32_t)data[1] << 8 |
                 (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
    if (n < 1 || n > IB_PROTO_MAX_FRAME)
        return -1;
    if (len - 4 < n)
        return 0;
    *frame_len = (size_t)n + 4;
    return 1;
}

/* A count of outputs: at most IB_MAX_OUTPUTS. */
static int get_count(struct reader *r)
{
    uint32_t n = get_u32(r);
    if (n > IB_MAX_OUTPUTS) {
        r->bad = 1;
        return 0;
    }
    return (int)n;
}

static void decode_task(struct reader *r, struct ib_msg *m)
{
    struct ib_task *t = &m->task;
    t->id = get_u64(r);
    t->input = get_str(r);
    t->rel = get_u32(r);
    t->noutputs = get_count(r);
    for (int i = 0; i < t->noutputs && !r->bad; i++) {
        t->outputs[i].action = (int)get_u8(r);
        if (t->outputs[i].action > IB_OUTPUT_BLOCKED)
            r->bad = 1;
        t->outputs[i].reason = get_str(r);
    }
    if (!r->bad && t->input && t->rel > strlen(t->input))
        r->bad = 1;
}

static void copy_error(struct ib_outcome *o, const char *s)
{
    size_t n = strlen(s);
    if (n >= sizeof(o->error))
        n = sizeof(o->error) - 1;
    memcpy(o->error, s, n);
    o->error[n] = '\0';
}

static int get_enum(struct reader *r, unsigned max)
{
    unsigned v = get_u8(r);
    if (v > max)
        r->bad = 1;
    return (int)v;
}

static double get_f64(struct reader *r)
{
    uint64_t bits = get_u64(r);
    double v;
    memcpy(&v, &bits, sizeof(v));
    return v;
}

/* Figures within their ranges (NaN is in none). */
static void decode_figures(struct reader *r, struct ib_golden_figures *f)
{
    f->known = get_enum(r, 1);
    if (!f->known)
        return;
    uint32_t max_diff = get_u32(r);
    f->max_diff = (int)(max_diff & 0xff);
    f->psnr = get_f64(r);
    f->fraction = get_f64(r);
    if (max_diff > 255 || !(f->psnr >= 0 && f->psnr <= IB_PSNR_MAX) ||
        !(f->fraction >= 0 && f->fraction <= 1))
        r->bad = 1;
}

static void decode_output(struct reader *r, struct ib_output_outcome *o)
{
    o->status = get_enum(r, IB_STATUS_SKIPPED);
    o->out_w = get_dim(r);
    o->out_h = get_dim(r);
    o->out_bytes = (long long)get_u64(r);
    o->replaced = get_enum(r, 1);
    o->write_errno = (int)(get_u32(r) & 0xffff);
    o->golden = get_enum(r, IB_GOLDEN_UNCHANGED);
    o->pipeline = get_enum(r, IB_PIPELINE_DIRECT_HEIF);
    o->format = get_enum(r, IB_FMT_COUNT - 1);
    o->usec = (long long)get_u64(r);
    o->quality = get_enum(r, 100);
    o->encodes = (int)get_u8(r);
    o->path = get_str(r);
    o->error = get_str(r);
    if (o->golden != IB_GOLDEN_NONE && !r->bad)
        decode_figures(r, &o->figures);
    o->golden_limit = get_enum(r, IB_LIMIT_FRACTION);
    o->golden_excess = get_u32(r);
}

static void decode_result(struct reader *r, struct ib_msg *m)
{
    struct ib_outcome *o = &m->outcome;
    m->id = get_u64(r);
    o->status = get_enum(r, IB_STATUS_SKIPPED);
    o->in_w = get_dim(r);
    o->in_h = get_dim(r);
    o->in_bytes = (long long)get_u64(r);
    o->usec = (long long)get_u64(r);
    o->write_errno = (int)(get_u32(r) & 0xffff);
    const char *error = get_str(r);
    if (error)
        copy_error(o, error);
    o->noutputs = get_count(r);
    for (int i = 0; i < o->noutputs && !r->bad; i++)
        decode_output(r, &o->outputs[i]);
}

static void decode_claim(struct reader *r, struct ib_msg *m)
{
    struct ib_claim *c = &m->claim;
    c->id = get_u64(r);
    c->n = get_count(r);
    for (int i = 0; i < c->n && !r->bad; i++) {
        uint32_t index = get_u32(r);
        if (index >= IB_MAX_OUTPUTS)
            r->bad = 1;
        c->v[i].index = (int)(index % IB_MAX_OUTPUTS);
        c->v[i].path = get_str(r);
    }
}

static void decode_grant(struct reader *r, struct ib_msg *m)
{
    struct ib_grant *g = &m->grant;
    g->id = get_u64(r);
    g->n = get_count(r);
    for (int i = 0; i < g->n && !r->bad; i++) {
        g->v[i].ok = get_enum(r, 1);
        g->v[i].reason = get_str(r);
    }
}

int ib_proto_read_frame(int fd, struct ib_buf *buf, size_t *frame_len)
{
    for (;;) {
        int found = ib_proto_frame(buf->data, buf->len, frame_len);
        if (found != 0)
            return found > 0 ? 0 : -1;
        unsigned char chunk[4096];
        ssize_t n = read(fd, chunk, sizeof(chunk));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        ib_buf_put(buf, chunk, (size_t)n);
    }
}

int ib_proto_peek(const unsigned char *frame, size_t len, int *type,
                  uint64_t *id)
{
    size_t frame_len;
    if (ib_proto_frame(frame, len, &frame_len) != 1 || frame_len != len)
        return -1;
    struct reader r = {frame + 4, len - 4, 0};
    *type = (int)get_u8(&r);
    int has_id = *type == IB_MSG_TASK || *type == IB_MSG_RESULT ||
                 *type == IB_MSG_CLAIM || *type == IB_MSG_GRANT;
    *id = has_id ? get_u64(&r) : 0;
    return r.bad ? -1 : 0;
}

int ib_proto_decode(const unsigned char *frame, size_t len, struct ib_msg *m)
{
    memset(m, 0, sizeof(*m));
    size_t frame_len;
    if (ib_proto_frame(frame, len, &frame_len) != 1 || frame_len != len)
        return -1;
    struct reader r = {frame + 4, len - 4, 0};
    m->type = (int)get_u8(&r);
    switch (m->type) {
    case IB_MSG_READY: m->pid = get_u32(&r); break;
    case IB_MSG_TASK: decode_task(&r, m); break;
    case IB_MSG_RESULT: decode_result(&r, m); break;
    case IB_MSG_CLAIM: decode_claim(&r, m); break;
    case IB_MSG_GRANT: decode_grant(&r, m); break;
    case IB_MSG_START: break;
    case IB_MSG_UNABLE: m->why = get_str(&r); break;
    default: return -1;
    }
    if (r.bad || r.left != 0)
        return -1;
    return 0;
}
