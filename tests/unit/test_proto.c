/* SPDX-License-Identifier: MIT */
/* The parent-worker protocol: what is encoded decodes the same, and any
 * damage (cut short, wrong lengths, stray NULs, junk) is an error. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "imgbatch/proto.h"

static struct ib_msg m; /* large: not on the stack */

/* A task of one input with an output of each kind. */
static struct ib_task a_task(uint64_t id, const char *input)
{
    struct ib_task t = {.id = id, .input = input, .rel = 3, .noutputs = 3};
    t.outputs[0] = (struct ib_task_output){IB_OUTPUT_MAKE, ""};
    t.outputs[1] = (struct ib_task_output){IB_OUTPUT_KEEP, ""};
    t.outputs[2] =
        (struct ib_task_output){IB_OUTPUT_BLOCKED, "same output as 'in/a.png'"};
    return t;
}

static void task_round_trip(void)
{
    struct ib_buf b;
    ib_buf_init(&b);
    struct ib_task t = a_task(42, "in/a b\n[x].jpg");
    ib_proto_put_task(&b, &t);
    size_t len = 0;
    CHECK_INT(ib_proto_frame(b.data, b.len, &len), 1);
    CHECK_INT(len, b.len);
    CHECK_INT(ib_proto_decode(b.data, b.len, &m), 0);
    CHECK_INT(m.type, IB_MSG_TASK);
    CHECK_INT(m.task.id, 42);
    CHECK_STR(m.task.input, "in/a b\n[x].jpg");
    CHECK_INT(m.task.rel, 3);
    CHECK_INT(m.task.noutputs, 3);
    CHECK_INT(m.task.outputs[1].action, IB_OUTPUT_KEEP);
    CHECK_INT(m.task.outputs[2].action, IB_OUTPUT_BLOCKED);
    CHECK_STR(m.task.outputs[2].reason, "same output as 'in/a.png'");
    /* rel beyond the input's name is nonsense. */
    t.rel = 99;
    ib_proto_put_task(&b, &t);
    CHECK_INT(ib_proto_decode(b.data, b.len, &m), -1);
    ib_buf_free(&b);
}

static void claim_round_trip(void)
{
    struct ib_buf b;
    ib_buf_init(&b);
    struct ib_claim c = {.id = 9, .n = 2};
    c.v[0].index = 0, c.v[0].path = "out/a-320w.webp";
    c.v[1].index = 5, c.v[1].path = "out/a-640w.webp";
    ib_proto_put_claim(&b, &c);
    CHECK_INT(ib_proto_decode(b.data, b.len, &m), 0);
    CHECK_INT(m.type, IB_MSG_CLAIM);
    CHECK_INT(m.claim.id, 9);
    CHECK_INT(m.claim.n, 2);
    CHECK_INT(m.claim.v[1].index, 5);
    CHECK_STR(m.claim.v[1].path, "out/a-640w.webp");
    int type;
    uint64_t id;
    CHECK_INT(ib_proto_peek(b.data, b.len, &type, &id), 0);
    CHECK_INT(type, IB_MSG_CLAIM);
    CHECK_INT(id, 9);
    struct ib_grant g = {.id = 9, .n = 2};
    g.v[0].ok = 1, g.v[0].reason = "";
    g.v[1].ok = 0, g.v[1].reason = "same output as 'in/b.jpg'";
    ib_proto_put_grant(&b, &g);
    CHECK_INT(ib_proto_decode(b.data, b.len, &m), 0);
    CHECK_INT(m.type, IB_MSG_GRANT);
    CHECK_INT(m.grant.n, 2);
    CHECK_INT(m.grant.v[0].ok, 1);
    CHECK_INT(m.grant.v[1].ok, 0);
    CHECK_STR(m.grant.v[1].reason, "same output as 'in/b.jpg'");
    ib_buf_free(&b);
}

static void result_round_trip(void)
{
    struct ib_buf b;
    ib_buf_init(&b);
    static struct ib_outcome o;
    memset(&o, 0, sizeof(o));
    o.status = IB_STATUS_FAILED;
    o.in_w = 65535, o.in_h = 1;
    o.in_bytes = 5000000000LL;
    o.usec = 1234567;
    o.write_errno = 28;
    strcpy(o.error, "VipsJpeg: Premature end of input file");
    o.noutputs = 2;
    o.outputs[0] = (struct ib_output_outcome){IB_STATUS_OK,
                                              320,
                                              240,
                                              10240,
                                              0,
                                              IB_GOLDEN_MISMATCH,
                                              IB_PIPELINE_DIRECT_JPEG,
                                              1,
                                              1234,
                                              "out/a.jpg",
                                              "max-diff 200 at 1,1",
                                              {1, 200, 31.5, 0.25},
                                              NULL,
                                              IB_LIMIT_MAX_DIFF,
                                              4167,

                                              62,
                                              3,
                                              1};
    o.outputs[1] = (struct ib_output_outcome){
        IB_STATUS_FAILED,
        0,
        0,
        0,
        28,
        0,
        0,
        0,
        0,
        "out/a.webp",
        "cannot write 'out/a.webp': No space left on device",
        {0, 0, 0, 0},
        NULL,
        IB_LIMIT_NONE,
        0,
        0,
        0,
        0};
    ib_proto_put_result(&b, 7, &o);
    CHECK_INT(ib_proto_decode(b.data, b.len, &m), 0);
    CHECK_INT(m.type, IB_MSG_RESULT);
    CHECK_INT(m.id, 7);
    CHECK_INT(m.outcome.status, IB_STATUS_FAILED);
    CHECK_INT(m.outcome.in_w, 65535);
    CHECK_INT(m.outcome.in_bytes, 5000000000LL);
    CHECK_INT(m.outcome.usec, 1234567);
    CHECK_INT(m.outcome.write_errno, 28);
    CHECK_STR(m.outcome.error, "VipsJpeg: Premature end of input file");
    CHECK_INT(m.outcome.noutputs, 2);
    CHECK_INT(m.outcome.outputs[0].out_w, 320);
    CHECK_INT(m.outcome.outputs[0].out_bytes, 10240);
    CHECK_INT(m.outcome.outputs[0].golden, IB_GOLDEN_MISMATCH);
    CHECK_INT(m.outcome.outputs[0].pipeline, IB_PIPELINE_DIRECT_JPEG);
    CHECK_STR(m.outcome.outputs[0].path, "out/a.jpg");
    CHECK_STR(m.outcome.outputs[0].error, "max-diff 200 at 1,1");
    /* The golden's figures cross as numbers, with the verdict. */
    CHECK_INT(m.outcome.outputs[0].figures.known, 1);
    CHECK_INT(m.outcome.outputs[0].figures.max_diff, 200);
    CHECK(m.outcome.outputs[0].figures.psnr == 31.5);
    CHECK(m.outcome.outputs[0].figures.fraction == 0.25);
    CHECK_INT(m.outcome.outputs[1].figures.known, 0);
    CHECK_INT(m.outcome.outputs[0].golden_limit, IB_LIMIT_MAX_DIFF);
    CHECK_INT(m.outcome.outputs[0].golden_excess, 4167);
    CHECK_INT(m.outcome.outputs[0].quality, 62);
    CHECK_INT(m.outcome.outputs[0].encodes, 3);
    CHECK_INT(m.outcome.outputs[0].replaced, 1);
    CHECK_INT(m.outcome.outputs[1].replaced, 0);
    CHECK_INT(m.outcome.outputs[1].status, IB_STATUS_FAILED);
    CHECK_INT(m.outcome.outputs[1].write_errno, 28);

    ib_proto_put_ready(&b, 4321);
    CHECK_INT(ib_proto_decode(b.data, b.len, &m), 0);
    CHECK_INT(m.type, IB_MSG_READY);
    CHECK_INT(m.pid, 4321);

    ib_proto_put_unable(&b, "cannot start libvips: no memory");
    CHECK_INT(ib_proto_decode(b.data, b.len, &m), 0);
    CHECK_INT(m.type, IB_MSG_UNABLE);
    CHECK_STR(m.why, "cannot start libvips: no memory");

    /* START has no fields: a byte more is an error. */
    ib_proto_put_start(&b);
    CHECK_INT(b.len, 5);
    CHECK_INT(ib_proto_decode(b.data, b.len, &m), 0);
    CHECK_INT(m.type, IB_MSG_START);
    ib_buf_putc(&b, 0);
    b.data[0]++;
    CHECK_INT(ib_proto_decode(b.data, b.len, &m), -1);
    ib_buf_free(&b);
}

/* Every prefix of a frame is "need more", never a frame or a crash. */
static void short_frames(void)
{
    struct ib_buf b;
    ib_buf_init(&b);
    struct ib_task t = a_task(1, "a.jpg");
    ib_proto_put_task(&b, &t);
    for (size_t n = 0; n < b.len; n++) {
        size_t len;
        CHECK_INT(ib_proto_frame(b.data, n, &len), 0);
        CHECK_INT(ib_proto_decode(b.data, n, &m), -1);
    }
    ib_buf_free(&b);
}

static void damaged_frames(void)
{
    struct ib_buf b;
    ib_buf_init(&b);
    struct ib_task t = a_task(1, "a.jpg");
    ib_proto_put_task(&b, &t);
    size_t len;

    /* A zero or absurd length is not a frame at all. */
    unsigned char zero[] = {0, 0, 0, 0, 1};
    CHECK_INT(ib_proto_frame(zero, sizeof(zero), &len), -1);
    unsigned char huge[] = {0xff, 0xff, 0xff, 0x7f, 1};
    CHECK_INT(ib_proto_frame(huge, sizeof(huge), &len), -1);

    /* An unknown type. */
    unsigned char *copy = malloc(b.len);
    memcpy(copy, b.data, b.len);
    copy[4] = 99;
    CHECK_INT(ib_proto_decode(copy, b.len, &m), -1);

    /* A string without its NUL, and one with a NUL inside. */
    memcpy(copy, b.data, b.len);
    copy[b.len - 1] = 'x';
    CHECK_INT(ib_proto_decode(copy, b.len, &m), -1);
    memcpy(copy, b.data, b.len);
    copy[4 + 1 + 8 + 4 + 1] = '\0'; /* inside "a.jpg" */
    CHECK_INT(ib_proto_decode(copy, b.len, &m), -1);

    /* A string length that runs past the frame. */
    memcpy(copy, b.data, b.len);
    copy[4 + 1 + 8] = 200;
    CHECK_INT(ib_proto_decode(copy, b.len, &m), -1);
    free(copy);

    /* Trailing bytes inside the frame are an error too. */
    struct ib_buf longer;
    ib_buf_init(&longer);
    ib_buf_put(&longer, b.data, b.len);
    ib_buf_putc(&longer, 0);
    longer.data[0]++;
    CHECK_INT(ib_proto_decode(longer.data, longer.len, &m), -1);
    ib_buf_free(&longer);

    /* Figures out of their ranges: a fraction above 1, a NaN PSNR. */
    static struct ib_outcome g;
    memset(&g, 0, sizeof(g));
    g.noutputs = 1;
    g.outputs[0] = (struct ib_output_outcome){.golden = IB_GOLDEN_MATCH,
                                              .path = "a",
                                              .error = "",
                                              .figures = {1, 3, 40.0, 1.5}};
    ib_proto_put_result(&b, 1, &g);
    CHECK_INT(ib_proto_decode(b.data, b.len, &m), -1);
    g.outputs[0].figures.fraction = 0.5;
    g.outputs[0].figures.psnr = NAN;
    ib_proto_put_result(&b, 1, &g);
    CHECK_INT(ib_proto_decode(b.data, b.len, &m), -1);
    g.outputs[0].figures.psnr = 40.0;
    ib_proto_put_result(&b, 1, &g);
    CHECK_INT(ib_proto_decode(b.data, b.len, &m), 0);

    /* A result with a status out of range, or too many outputs. */
    static struct ib_outcome o;
    memset(&o, 0, sizeof(o));
    ib_proto_put_result(&b, 1, &o);
    b.data[4 + 1 + 8] = 9;
    CHECK_INT(ib_proto_decode(b.data, b.len, &m), -1);
    ib_proto_put_result(&b, 1, &o);
    b.data[b.len - 4] = IB_MAX_OUTPUTS + 1; /* the count, last */
    CHECK_INT(ib_proto_decode(b.data, b.len, &m), -1);
    ib_buf_free(&b);
}

/* Two frames back to back are found one after the other. */
static void back_to_back(void)
{
    struct ib_buf a, all;
    ib_buf_init(&a);
    ib_buf_init(&all);
    ib_proto_put_ready(&a, 1);
    ib_buf_put(&all, a.data, a.len);
    ib_proto_put_ready(&a, 2);
    ib_buf_put(&all, a.data, a.len);
    size_t len;
    CHECK_INT(ib_proto_frame(all.data, all.len, &len), 1);
    CHECK_INT(ib_proto_decode(all.data, len, &m), 0);
    CHECK_INT(m.pid, 1);
    ib_buf_consume(&all, len);
    CHECK_INT(ib_proto_frame(all.data, all.len, &len), 1);
    CHECK_INT(ib_proto_decode(all.data, len, &m), 0);
    CHECK_INT(m.pid, 2);
    ib_buf_free(&a);
    ib_buf_free(&all);
}

int main(void)
{
    task_round_trip();
    claim_round_trip();
    result_round_trip();
    short_frames();
    damaged_frames();
    back_to_back();
    CHECK_DONE();
}
