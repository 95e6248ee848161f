/* SPDX-License-Identifier: MIT */
/* Fuzzes the parent-worker protocol decoder: the parent reads frames from
 * workers that may be dying or corrupt, and must never crash on them.
 *
 * Input: a stream of frames, as the parent's read buffer holds them. Each
 * whole frame that ib_proto_frame finds is decoded; one that decodes is
 * encoded again with the matching ib_proto_put_* and must decode to the
 * same message (abort() otherwise). The first incomplete or impossible
 * frame ends the stream, as it ends a worker. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "imgbatch/buf.h"
#include "imgbatch/proto.h"

static void fail(const char *why)
{
    fprintf(stderr, "fuzz_proto: %s\n", why);
    abort();
}

static int same_str(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static int same_task(const struct ib_task *a, const struct ib_task *b)
{
    if (a->id != b->id || a->rel != b->rel || a->noutputs != b->noutputs ||
        !same_str(a->input, b->input))
        return 0;
    for (int i = 0; i < a->noutputs; i++)
        if (a->outputs[i].action != b->outputs[i].action ||
            !same_str(a->outputs[i].reason, b->outputs[i].reason))
            return 0;
    return 1;
}

static int same_output(const struct ib_output_outcome *a,
                       const struct ib_output_outcome *b)
{
    return a->status == b->status && a->out_w == b->out_w &&
           a->out_h == b->out_h && a->out_bytes == b->out_bytes &&
           a->write_errno == b->write_errno && a->golden == b->golden &&
           a->pipeline == b->pipeline && a->format == b->format &&
           same_str(a->path, b->path) && same_str(a->error, b->error) &&
           a->figures.known == b->figures.known &&
           (!a->figures.known ||
            (a->figures.max_diff == b->figures.max_diff &&
             a->figures.psnr == b->figures.psnr &&
             a->figures.fraction == b->figures.fraction)) &&
           a->golden_limit == b->golden_limit &&
           a->golden_excess == b->golden_excess && a->quality == b->quality &&
           a->encodes == b->encodes && a->replaced == b->replaced;
}

static int same_outcome(const struct ib_outcome *a, const struct ib_outcome *b)
{
    if (a->status != b->status || a->in_w != b->in_w || a->in_h != b->in_h ||
        a->in_bytes != b->in_bytes || a->usec != b->usec ||
        a->write_errno != b->write_errno || strcmp(a->error, b->error) != 0 ||
        a->noutputs != b->noutputs)
        return 0;
    for (int i = 0; i < a->noutputs; i++)
        if (!same_output(&a->outputs[i], &b->outputs[i]))
            return 0;
    return 1;
}

static int same_claim(const struct ib_claim *a, const struct ib_claim *b)
{
    if (a->id != b->id || a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (a->v[i].index != b->v[i].index ||
            !same_str(a->v[i].path, b->v[i].path))
            return 0;
    return 1;
}

static int same_grant(const struct ib_grant *a, const struct ib_grant *b)
{
    if (a->id != b->id || a->n != b->n)
        return 0;
    for (int i = 0; i < a->n; i++)
        if (a->v[i].ok != b->v[i].ok ||
            !same_str(a->v[i].reason, b->v[i].reason))
            return 0;
    return 1;
}

static int same_msg(const struct ib_msg *a, const struct ib_msg *b)
{
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case IB_MSG_READY: return a->pid == b->pid;
    case IB_MSG_START: return 1;
    case IB_MSG_UNABLE: return same_str(a->why, b->why);
    case IB_MSG_TASK: return same_task(&a->task, &b->task);
    case IB_MSG_RESULT:
        return a->id == b->id && same_outcome(&a->outcome, &b->outcome);
    case IB_MSG_CLAIM: return same_claim(&a->claim, &b->claim);
    case IB_MSG_GRANT: return same_grant(&a->grant, &b->grant);
    default: return 0;
    }
}

static void encode(const struct ib_msg *m, struct ib_buf *out)
{
    switch (m->type) {
    case IB_MSG_READY: ib_proto_put_ready(out, m->pid); break;
    case IB_MSG_TASK: ib_proto_put_task(out, &m->task); break;
    case IB_MSG_RESULT: ib_proto_put_result(out, m->id, &m->outcome); break;
    case IB_MSG_START: ib_proto_put_start(out); break;
    case IB_MSG_UNABLE: ib_proto_put_unable(out, m->why); break;
    case IB_MSG_CLAIM: ib_proto_put_claim(out, &m->claim); break;
    case IB_MSG_GRANT: ib_proto_put_grant(out, &m->grant); break;
    default: fail("decoded an unknown message type");
    }
}

/* A decoded message must survive being encoded and decoded again. */
static void check_round_trip(const struct ib_msg *m)
{
    struct ib_buf b;
    ib_buf_init(&b);
    encode(m, &b);
    size_t frame_len = 0;
    if (ib_proto_frame(b.data, b.len, &frame_len) != 1 || frame_len != b.len)
        fail("an encoded frame is not one whole frame");
    struct ib_msg again;
    if (ib_proto_decode(b.data, b.len, &again) != 0)
        fail("an encoded frame does not decode");
    if (!same_msg(m, &again))
        fail("a frame decodes to a different message once re-encoded");
    ib_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0, frame_len;
    while (ib_proto_frame(data + off, size - off, &frame_len) == 1) {
        if (frame_len > size - off)
            fail("a frame longer than the bytes there");
        /* Its own buffer, exactly the frame, so that ASan catches a read
         * into the next frame. */
        unsigned char *frame = malloc(frame_len);
        if (!frame)
            return 0;
        memcpy(frame, data + off, frame_len);
        struct ib_msg m;
        if (ib_proto_decode(frame, frame_len, &m) == 0)
            check_round_trip(&m);
        free(frame);
        off += frame_len;
    }
    return 0;
}
