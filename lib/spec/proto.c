/* SPDX-License-Identifier: MIT */
#include "imgbatch/proto.h"

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

void ib_proto_put_task(struct ib_buf *out, const struct ib_task *t)
{
    begin_frame(out, IB_MSG_TASK);
    put_u64(out, t->id);
    put_u8(out, (unsigned)t->format);
    put_str(out, t->input);
    put_str(out, t->output);
    put_str(out, t->golden ? t->golden : "");
    put_str(out, t->diff ? t->diff : "");
    end_frame(out);
}

static void put_i64(struct ib_buf *b, long long v)
{
    put_u64(b, (uint64_t)v);
}

void ib_proto_put_result(struct ib_buf *out, uint64_t id,
                         const struct ib_outcome *o)
{
    begin_frame(out, IB_MSG_RESULT);
    put_u64(out, id);
    put_u8(out, (unsigned)o->status);
    put_u32(out, (uint32_t)o->in_w);
    put_u32(out, (uint32_t)o->in_h);
    put_u32(out, (uint32_t)o->out_w);
    put_u32(out, (uint32_t)o->out_h);
    put_i64(out, o->in_bytes);
    put_i64(out, o->out_bytes);
    put_i64(out, o->usec);
    put_u32(out, (uint32_t)o->write_errno);
    put_u8(out, (unsigned)o->golden);
    put_u8(out, (unsigned)o->pipeline);
    put_str(out, o->error);
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

static void decode_task(struct reader *r, struct ib_msg *m)
{
    m->task.id = get_u64(r);
    m->task.format = (int)get_u8(r);
    m->task.input = get_str(r);
    m->task.output = get_str(r);
    m->task.golden = get_str(r);
    m->task.diff = get_str(r);
}

static void copy_error(struct ib_outcome *o, const char *s)
{
    size_t n = strlen(s);
    if (n >= sizeof(o->error))
        n = sizeof(o->error) - 1;
    memcpy(o->error, s, n);
    o->error[n] = '\0';
}

static void decode_result(struct reader *r, struct ib_msg *m)
{
    struct ib_outcome *o = &m->outcome;
    m->id = get_u64(r);
    o->status = (int)get_u8(r);
    if (o->status > IB_STATUS_SKIPPED)
        r->bad = 1;
    o->in_w = get_dim(r);
    o->in_h = get_dim(r);
    o->out_w = get_dim(r);
    o->out_h = get_dim(r);
    o->in_bytes = (long long)get_u64(r);
    o->out_bytes = (long long)get_u64(r);
    o->usec = (long long)get_u64(r);
    o->write_errno = (int)(get_u32(r) & 0xffff);
    o->golden = (int)get_u8(r);
    if (o->golden > IB_GOLDEN_UNCHANGED)
        r->bad = 1;
    o->pipeline = (int)get_u8(r);
    if (o->pipeline > IB_PIPELINE_DIRECT_JPEG)
        r->bad = 1;
    const char *error = get_str(r);
    if (error)
        copy_error(o, error);
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
    *id = *type == IB_MSG_TASK || *type == IB_MSG_RESULT ? get_u64(&r) : 0;
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
    case IB_MSG_START: break;
    default: return -1;
    }
    if (r.bad || r.left != 0)
        return -1;
    return 0;
}
