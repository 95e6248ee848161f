/* SPDX-License-Identifier: MIT */
/* The machine-readable report: NDJSON, one "file" object per input, each
 * followed by one "output" object per rendition, "orphan" and "pruned"
 * objects, then one "summary" object. The schema is documented in the
 * README. */
#ifndef IMGBATCH_REPORT_H
#define IMGBATCH_REPORT_H

#include <stdio.h>

#include "imgbatch/batch.h"
#include "imgbatch/buf.h"

#define IB_REPORT_VERSION 3

struct ib_report {
    FILE *f;
    int own;          /* opened here (not stdout) */
    int error;        /* errno of the first failed write, 0 when none */
    char started[40]; /* when it was opened, as a JSON string */
    struct ib_buf line;
    struct ib_buf pending; /* whole lines not yet written (ib_report_flush) */
};

/* Opens PATH ("-" = stdout). 0, or -1 with errno set. */
int ib_report_open(struct ib_report *r, const char *path);
/* Writes the records made since the last flush, whole lines in one write.
 * Records are held until then (or until 64 KiB are), so that tiny files
 * do not cost the parent a write each: call it a few times a second
 * while work is under way. The summary and ib_report_close flush. */
void ib_report_flush(struct ib_report *r);
/* The input's "file" record, then an "output" record for each output. */
void ib_report_file(struct ib_report *r, const struct ib_entry *e,
                    const struct ib_settings *s, const struct ib_outcome *o);
void ib_report_summary(struct ib_report *r, const struct ib_settings *s,
                       const struct ib_batch_result *b, int interrupted_by,
                       int exit_code);
/* --prune: an output removed, its input, and why. */
void ib_report_pruned(struct ib_report *r, const char *output,
                      const char *input, const char *reason);
/* Closes; returns 0 or the errno of the first failed write or the close. */
/* --golden: a golden file no input made. */
void ib_report_orphan(struct ib_report *r, const char *golden);

int ib_report_close(struct ib_report *r);

/* Formats one "file" record (no newline) into out: shared with tests. */
void ib_report_format_file(struct ib_buf *out, const struct ib_entry *e,
                           const struct ib_outcome *o);

/* Formats one "output" record (no newline) into out. */
void ib_report_format_output(struct ib_buf *out, const struct ib_entry *e,
                             const char *variant,
                             const struct ib_output_outcome *oo);

#endif
