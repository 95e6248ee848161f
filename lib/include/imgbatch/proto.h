/* SPDX-License-Identifier: MIT */
/* The parent-worker protocol: length-prefixed binary frames over pipes.
 *
 *   frame   := u32 payload length (little endian) | payload
 *   payload := u8 type | fields (integers little endian; strings are a u32
 *              length, the bytes, then a NUL that the decoder checks)
 *
 * The decoder trusts nothing (it is fuzzed): a frame that does not parse is
 * an error, never a crash, and a worker that sends one is replaced. */
#ifndef IMGBATCH_PROTO_H
#define IMGBATCH_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "imgbatch/buf.h"

#define IB_PROTO_MAX_FRAME (1u << 20)
#define IB_ERROR_MAX 1024

enum ib_msg_type {
    IB_MSG_READY = 1,  /* worker -> parent: initialised, send work */
    IB_MSG_TASK = 2,   /* parent -> worker: one file */
    IB_MSG_RESULT = 3, /* worker -> parent: how that file went */
    IB_MSG_START = 4,  /* parent -> dormant worker: start now (pool.c) */
};

enum ib_status {
    IB_STATUS_OK,
    IB_STATUS_FAILED,
    IB_STATUS_SKIPPED,
};

/* --golden: how an output compared with its golden (OK outcomes only). */
enum ib_golden {
    IB_GOLDEN_NONE,      /* not asked */
    IB_GOLDEN_MATCH,     /* within the tolerance */
    IB_GOLDEN_MISMATCH,  /* outside it: error holds the figures */
    IB_GOLDEN_MISSING,   /* no golden file */
    IB_GOLDEN_CREATED,   /* --update-golden: written where none was */
    IB_GOLDEN_UPDATED,   /* --update-golden: replaced (it did not match) */
    IB_GOLDEN_UNCHANGED, /* --update-golden: kept (it matched) */
};

/* Which code made an output (the report's "pipeline"). */
enum ib_pipeline {
    IB_PIPELINE_NONE,        /* nothing was written */
    IB_PIPELINE_LIBVIPS,     /* libvips' thumbnail and saver */
    IB_PIPELINE_DIRECT_JPEG, /* jpegpath.h */
};

/* What became of one input: what the report says about it. */
struct ib_outcome {
    int status;       /* enum ib_status */
    int in_w, in_h;   /* as stored, 0 when unknown */
    int out_w, out_h; /* 0 when nothing was written */
    long long in_bytes, out_bytes;
    long long usec; /* worker time for the file */
    /* The errno of a failure to write the output (ENOSPC, EROFS, ...), 0
     * otherwise: the parent stops a batch whose every write fails. */
    int write_errno;
    int golden;   /* enum ib_golden */
    int pipeline; /* enum ib_pipeline */
    char error[IB_ERROR_MAX];
};

struct ib_task {
    uint64_t id;
    int format; /* enum ib_format, never IB_FMT_KEEP */
    const char *input;
    const char *output;
    const char *golden; /* --golden: the file to compare with; "" = none */
    const char *diff;   /* --diff-dir: base path of the pictures; "" = none */
};

struct ib_msg {
    int type;
    uint32_t pid;              /* READY */
    struct ib_task task;       /* TASK: strings point into the frame */
    uint64_t id;               /* RESULT */
    struct ib_outcome outcome; /* RESULT */
};

/* Marks o failed, with the reason printf-formatted into o->error. */
void ib_outcome_fail(struct ib_outcome *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void ib_proto_put_ready(struct ib_buf *out, uint32_t pid);
void ib_proto_put_start(struct ib_buf *out);
void ib_proto_put_task(struct ib_buf *out, const struct ib_task *t);
void ib_proto_put_result(struct ib_buf *out, uint64_t id,
                         const struct ib_outcome *o);

/* Looks for one whole frame at the start of data. Returns 1 and sets
 * *frame_len (header included) when there is one, 0 when more bytes are
 * needed, -1 when the length is impossible. */
int ib_proto_frame(const unsigned char *data, size_t len, size_t *frame_len);

/* Reads from fd (blocking) until a whole frame is at the start of buf,
 * whose length it sets. 0, or -1 at EOF, on an error or on an impossible
 * length. The caller consumes the frame. */
int ib_proto_read_frame(int fd, struct ib_buf *buf, size_t *frame_len);

/* The type of a whole frame (as found by ib_proto_frame) and, for TASK and
 * RESULT frames, whose fields start with it, the task id (else 0): what
 * the pool needs to route a frame without decoding it. 0, or -1 when the
 * frame is too short for them. */
int ib_proto_peek(const unsigned char *frame, size_t len, int *type,
                  uint64_t *id);

/* Decodes a whole frame (as found by ib_proto_frame). Returns 0 or -1. */
int ib_proto_decode(const unsigned char *frame, size_t len, struct ib_msg *m);

#endif
