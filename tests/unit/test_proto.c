/* SPDX-License-Identifier: MIT */
/* The parent-worker protocol: what is encoded decodes the same, and any
 * damage (cut short, wrong lengths, stray NULs, junk) is an error. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "imgbatch/proto.h"

static void task_round_trip(void)
{
    struct ib_buf b;
    ib_buf_init(&b);
    struct ib_task t = {42,
                        3,
                        "in/a b\n[x].jpg",
                        "out/resized_a.jpg",
                        "golden/resized_a.jpg",
                        "diff/resized_a.jpg"};
    ib_proto_put_task(&b, &t);
    size_t len = 0;
    CHECK_INT(ib_proto_frame(b.data, b.len, &len), 1);
    CHECK_INT(len, b.len);
    struct ib_msg m;
    CHECK_INT(ib_proto_decode(b.data, b.len, &m), 0);
    CHECK_INT(m.type, IB_MSG_TASK);
    CHECK_INT(m.task.id, 42);
    CHECK_INT(m.task.format, 3);
    CHECK_STR(m.task.input, "in/a b\n[x].jpg");
    CHECK_STR(m.task.output, "out/resized_a.jpg");
    CHECK_STR(m.task.golden, "golden/resized_a.jpg");
    CHECK_STR(m.task.diff, "diff/resized_a.jpg");
    ib_buf_free(&b);
}

static void result_round_trip(void)
{
    struct ib_buf b;
    ib_buf_init(&b);
    struct ib_outcome o;
    memset(&o, 0, sizeof(o));
    o.status = IB_STATUS_FAILED;
    o.in_w = 65535, o.in_h = 1, o.out_w = 0, o.out_h = 0;
    o.in_bytes = 5000000000LL;
    o.usec = 1234567;
    o.write_errno = 28;
    o.golden = IB_GOLDEN_MISMATCH;
    o.pipeline = IB_PIPELINE_DIRECT_JPEG;
    strcpy(o.error, "VipsJpeg: Premature end of input file");
    ib_proto_put_result(&b, 7, &o);
    struct ib_msg m;
    CHECK_INT(ib_proto_decode(b.data, b.len, &m), 0);
    CHECK_INT(m.type, IB_MSG_RESULT);
    CHECK_INT(m.id, 7);
    CHECK_INT(m.outcome.status, IB_STATUS_FAILED);
    CHECK_INT(m.outcome.in_w, 65535);
    CHECK_INT(m.outcome.in_bytes, 5000000000LL);
    CHECK_INT(m.outcome.usec, 1234567);
    CHECK_INT(m.outcome.write_errno, 28);
    CHECK_INT(m.outcome.golden, IB_GOLDEN_MISMATCH);
    CHECK_INT(m.outcome.pipeline, IB_PIPELINE_DIRECT_JPEG);
    CHECK_STR(m.outcome.error, "VipsJpeg: Premature end of input file");

    ib_proto_put_ready(&b, 4321);
    CHECK_INT(ib_proto_decode(b.data, b.len, &m), 0);
    CHECK_INT(m.type, IB_MSG_READY);
    CHECK_INT(m.pid, 4321);

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
    struct ib_task t = {1, 1, "a.jpg", "resized_a.jpg", "", ""};
    ib_proto_put_task(&b, &t);
    for (size_t n = 0; n < b.len; n++) {
        size_t len;
        CHECK_INT(ib_proto_frame(b.data, n, &len), 0);
        struct ib_msg m;
        CHECK_INT(ib_proto_decode(b.data, n, &m), -1);
    }
    ib_buf_free(&b);
}

static void damaged_frames(void)
{
    struct ib_buf b;
    ib_buf_init(&b);
    struct ib_task t = {1, 1, "a.jpg", "resized_a.jpg", "", ""};
    ib_proto_put_task(&b, &t);
    struct ib_msg m;
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
    copy[4 + 1 + 8 + 1 + 4 + 1] = '\0'; /* inside "a.jpg" */
    CHECK_INT(ib_proto_decode(copy, b.len, &m), -1);

    /* A string length that runs past the frame. */
    memcpy(copy, b.data, b.len);
    copy[4 + 1 + 8 + 1] = 200;
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

    /* A result with a status out of range. */
    struct ib_outcome o;
    memset(&o, 0, sizeof(o));
    ib_proto_put_result(&b, 1, &o);
    b.data[4 + 1 + 8] = 9;
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
    struct ib_msg m;
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
    result_round_trip();
    short_frames();
    damaged_frames();
    back_to_back();
    CHECK_DONE();
}
