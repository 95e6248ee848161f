/* SPDX-License-Identifier: MIT */
/* The outputs of the input a worker is on: one per rendition, made by the
 * direct JPEG path or by libvips (resize.c), then named, checked and
 * written here.
 *
 * Names: a name the parent could know (no {w}, {h} or {hash:N}) was
 * checked against every other output before any work; one known only
 * once the output is made is claimed from the parent, which knows every
 * path granted so far (a CLAIM and its GRANT), before it is written. Two
 * outputs of this input with one path are written once when their bytes
 * are the same (renditions that resolve to the same size and format), and
 * both fail when not. */
#ifndef IMGBATCH_VIPS_OUTPUTS_H
#define IMGBATCH_VIPS_OUTPUTS_H

#include <vips/vips.h>

#include "imgbatch/buf.h"
#include "imgbatch/outpath.h"
#include "imgbatch/proto.h"
#include "golden.h"
#include "imgbatch/settings.h"
#include "startup.h"
#include "write.h"

/* Asks the parent for paths known only now. */
struct ib_claimer {
    void *ctx;
    /* Fills grant for claim (its strings valid until the next call). 0,
     * or -1 when the parent is gone. */
    int (*claim)(void *ctx, const struct ib_claim *claim,
                 struct ib_grant *grant);
};

/* One output. */
struct ib_out {
    const struct ib_rendition *r;
    int action;          /* enum ib_output_action, from the task */
    const char *blocked; /* IB_OUTPUT_BLOCKED: why */
    int format;          /* the format it is written in */
    int skip;            /* not made: error says why (would enlarge) */
    struct ib_target target;
    VipsInteresting crop; /* thumbnail's crop, or NONE */
    struct ib_payload pl; /* what is written, once made */
    int w, h;             /* its size (of one page) */
    int pipeline;         /* enum ib_pipeline */
    struct ib_buf path;
    char hash[65]; /* SHA-256 of its bytes, hex, when a name needs it */
    char error[IB_ERROR_MAX];
    int failed;
    long long bytes;
    int replaced; /* it took the place of a file */
    int write_errno;
    struct ib_golden_result golden;
    long long usec;       /* spent on it alone (ib_output_outcome) */
    int quality;          /* of a lossy output: -q, or what --max-bytes chose */
    int encodes;          /* --max-bytes: encodings the search made */
    long long capture_ns; /* --mtime exif: EXIF's capture date, 0: none */
};

/* What the outputs' --skip-larger and --mtime need of the input. */
struct ib_outs_input {
    int format; /* enum ib_format; 0: not known */
    int w, h;   /* as stored */
    long long bytes;
    long long mtime_ns;
};

struct ib_outs {
    const struct ib_settings *s;
    uint64_t id; /* the task's */
    struct ib_input_name in;
    struct ib_outs_input input;
    int n;
    struct ib_out v[IB_MAX_OUTPUTS];
};

/* Sets outs up for task t: one output per rendition, with its format as
 * the name says (IB_FMT_FROM_LOADER when it does not) and its path when
 * the name does not wait for the output. */
void ib_outs_begin(struct ib_outs *outs, const struct ib_settings *s,
                   const struct ib_task *t);

/* 1 when out is still to be made: not kept, not skipped, not failed. */
int ib_out_to_make(const struct ib_out *out);

/* How many outputs are still to be made (ib_out_to_make). */
int ib_outs_to_make(const struct ib_outs *outs);

/* 1 when out's name is known only once it is made. */
int ib_out_is_late(const struct ib_out *out);

/* Marks out failed with the reason. */
void ib_out_fail(struct ib_out *out, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Names, checks and writes every output made, then compares it with its
 * golden (--golden). in_fd is the input (no output may replace it). */
void ib_outs_commit(struct ib_outs *outs, struct ib_vips *v, int in_fd,
                    const struct ib_claimer *claimer);

/* Fills o's outputs from outs, and o's status; frees what was made. */
void ib_outs_end(struct ib_outs *outs, struct ib_outcome *o);

#endif
