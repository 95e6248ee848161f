/* SPDX-License-Identifier: MIT */
/* The parent-worker protocol: length-prefixed binary frames over pipes.
 *
 *   frame   := u32 payload length (little endian) | payload
 *   payload := u8 type | fields (integers little endian; strings are a u32
 *              length, the bytes, then a NUL that the decoder checks)
 *
 * TASK, RESULT, CLAIM and GRANT frames start their fields with the task's
 * u64 id, which is all the pool reads of them.
 *
 *   TASK    parent -> worker  an input, and what to do with each of its
 *                             outputs (make it, or not: a clash)
 *   RESULT  worker -> parent  how the input went, and each output
 *   CLAIM   worker -> parent  the paths of outputs named once made ({w},
 *                             {h}, {hash:N}), before they are written
 *   GRANT   parent -> worker  for each, whether it may be written
 *   UNABLE  worker -> parent  instead of READY: it cannot start, and why
 *
 * The decoder trusts nothing (it is fuzzed): a frame that does not parse is
 * an error, never a crash, and a worker that sends one is replaced. */
#ifndef IMGBATCH_PROTO_H
#define IMGBATCH_PROTO_H

#include <stddef.h>
#include <stdint.h>

#include "imgbatch/buf.h"
#include "imgbatch/tolerance.h"

#define IB_PROTO_MAX_FRAME (1u << 20)
/* A worker's stderr is read by the parent (pool.c): a worker writes this
 * byte there before READY and before each RESULT, so that what it says
 * after is known to be about its next task. */
#define IB_SAID_MARK '\0'
#define IB_ERROR_MAX 1024
/* Outputs of one input at most (renditions). */
#define IB_MAX_OUTPUTS 64

enum ib_msg_type {
    IB_MSG_READY = 1,  /* worker -> parent: initialised, send work */
    IB_MSG_TASK = 2,   /* parent -> worker: one file */
    IB_MSG_RESULT = 3, /* worker -> parent: how that file went */
    IB_MSG_START = 4,  /* parent -> dormant worker: start now (pool.c) */
    IB_MSG_CLAIM = 5,  /* worker -> parent: may these paths be written? */
    IB_MSG_GRANT = 6,  /* parent -> worker: the answer */
    IB_MSG_UNABLE = 7, /* worker -> parent: cannot start (why) */
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
    IB_PIPELINE_COPY,        /* --skip-larger: the input's own bytes */
    IB_PIPELINE_DIRECT_PNG,  /* boxpath.h: a box-shrunk decode, then libvips */
    IB_PIPELINE_DIRECT_HEIF, /* heifbase.h: libheif's planes, then libvips */
};

/* --golden: the comparison's figures as numbers, for the report (the
 * text, for people, is in error). Set when the sizes matched and the
 * pixels were compared. */
struct ib_golden_figures {
    int known;
    int max_diff;    /* 0..255 */
    double psnr;     /* dB; IB_PSNR_IDENTICAL (999) when identical */
    double fraction; /* of pixels differing by more than the fuzz, 0..1 */
};

/* What became of one output. Its strings point into a frame, or into the
 * worker's own buffers. */
struct ib_output_outcome {
    int status;       /* enum ib_status */
    int out_w, out_h; /* 0 when nothing was written */
    long long out_bytes;
    int write_errno;   /* of a failure to write it (ENOSPC, EROFS, ...) */
    int golden;        /* enum ib_golden */
    int pipeline;      /* enum ib_pipeline */
    int format;        /* enum ib_format it was written in */
    long long usec;    /* its own work: resize (from the shared decode),
                          encode, write */
    const char *path;  /* where it was (or would have been) written */
    const char *error; /* the reason (failed, skipped), or the golden's
                          figures; "" for none */
    struct ib_golden_figures figures; /* on the wire when golden is set */
    /* Set by the parent, never sent: why the output was made (the text
     * of an enum ib_freshness: "new", "input changed", ...), or "up to
     * date" when it was kept; NULL when not known. */
    const char *why;
    int golden_limit; /* enum ib_limit: the one a mismatch failed */
    /* How far past its limits a mismatch is, in thousandths
     * (ib_comparison_excess; UINT32_MAX when the sizes differ): the diff
     * page shows the worst first. */
    uint32_t golden_excess;
    int quality;  /* of a lossy output; 0 for none */
    int encodes;  /* --max-bytes: encodings its search made */
    int replaced; /* written over a file that was there (the report's why) */
};

/* What became of one input: what the report says about it. Its status is
 * failed when the input could not be made into any output (error says
 * why) or when an output failed, skipped when every output was skipped,
 * else ok. */
struct ib_outcome {
    int status;     /* enum ib_status */
    int in_w, in_h; /* as stored, 0 when unknown */
    long long in_bytes;
    long long usec; /* worker time for the file */
    /* The errno of a failure to write an output, 0 otherwise: the parent
     * stops a batch whose every write fails. */
    int write_errno;
    char error[IB_ERROR_MAX];
    int noutputs;
    struct ib_output_outcome outputs[IB_MAX_OUTPUTS];
};

/* What the parent tells the worker of an output before it starts. */
enum ib_output_action {
    IB_OUTPUT_MAKE,
    IB_OUTPUT_KEEP,    /* -u: up to date, not made again */
    IB_OUTPUT_BLOCKED, /* its path is another's: not written (reason) */
};

struct ib_task_output {
    int action;         /* enum ib_output_action */
    const char *reason; /* IB_OUTPUT_BLOCKED: why; else "" */
};

struct ib_task {
    uint64_t id;
    const char *input;
    uint32_t rel; /* offset in input of the part below its PATH */
    int noutputs; /* one per rendition */
    struct ib_task_output outputs[IB_MAX_OUTPUTS];
};

/* CLAIM: paths only known once made, by output index. */
struct ib_claim {
    uint64_t id;
    int n;
    struct {
        int index;
        const char *path;
    } v[IB_MAX_OUTPUTS];
};

/* GRANT: for each path claimed, in order, 1 or 0 and why not. */
struct ib_grant {
    uint64_t id;
    int n;
    struct {
        int ok;
        const char *reason;
    } v[IB_MAX_OUTPUTS];
};

struct ib_msg {
    int type;
    uint32_t pid;              /* READY */
    const char *why;           /* UNABLE: points into the frame */
    struct ib_task task;       /* TASK: strings point into the frame */
    uint64_t id;               /* RESULT */
    struct ib_outcome outcome; /* RESULT: strings point into the frame */
    struct ib_claim claim;     /* CLAIM */
    struct ib_grant grant;     /* GRANT */
};

/* Marks o failed, with the reason printf-formatted into o->error. */
void ib_outcome_fail(struct ib_outcome *o, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

void ib_proto_put_ready(struct ib_buf *out, uint32_t pid);
void ib_proto_put_start(struct ib_buf *out);
void ib_proto_put_unable(struct ib_buf *out, const char *why);
void ib_proto_put_task(struct ib_buf *out, const struct ib_task *t);
void ib_proto_put_result(struct ib_buf *out, uint64_t id,
                         const struct ib_outcome *o);
void ib_proto_put_claim(struct ib_buf *out, const struct ib_claim *c);
void ib_proto_put_grant(struct ib_buf *out, const struct ib_grant *g);

/* Looks for one whole frame at the start of data. Returns 1 and sets
 * *frame_len (header included) when there is one, 0 when more bytes are
 * needed, -1 when the length is impossible. */
int ib_proto_frame(const unsigned char *data, size_t len, size_t *frame_len);

/* Reads from fd (blocking) until a whole frame is at the start of buf,
 * whose length it sets. 0, or -1 at EOF, on an error or on an impossible
 * length. The caller consumes the frame. */
int ib_proto_read_frame(int fd, struct ib_buf *buf, size_t *frame_len);

/* The type of a whole frame (as found by ib_proto_frame) and, for the
 * frames whose fields start with it, the task id (else 0): what the pool
 * needs to route a frame without decoding it. 0, or -1 when the frame is
 * too short for them. */
int ib_proto_peek(const unsigned char *frame, size_t len, int *type,
                  uint64_t *id);

/* Decodes a whole frame (as found by ib_proto_frame). Returns 0 or -1. */
int ib_proto_decode(const unsigned char *frame, size_t len, struct ib_msg *m);

#endif
