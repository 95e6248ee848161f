/* SPDX-License-Identifier: MIT */
/* Which outputs may write which paths: no two outputs write one path, and
 * none replaces an input.
 *
 * Before any work, every output whose name is known (no {w}, {h} or
 * {hash:N}) claims its path. A path that is an input's refuses the output
 * ("its output would overwrite the input ..."). A path that two outputs
 * claim blocks both, each naming the other ("same output as ..."),
 * unless one of the two inputs does not look like an image imgbatch may
 * read (sniff.h): that one does not take the name from the other. A
 * blocked output's input is still decoded, so that a file that cannot be
 * read fails with its own reason. While work goes on, an output whose
 * name is known only once it is made claims it from the worker (CLAIM): a
 * path already claimed, or an input's, is refused.
 *
 * The table holds 8 bytes a slot, two slots an output: a hash of the path
 * and who claimed it; a match is confirmed by naming that output again. */
#ifndef IMGBATCH_PARENT_CLAIMS_H
#define IMGBATCH_PARENT_CLAIMS_H

#include <stddef.h>

#include "imgbatch/scan.h"
#include "imgbatch/settings.h"

struct ib_claims;

/* What an output may do, as claimed before any work. */
enum ib_claim_state {
    IB_CLAIM_FREE,    /* write it */
    IB_CLAIM_BLOCKED, /* decode the input, write nothing: why says */
    IB_CLAIM_REFUSED, /* fails with why, no work needed */
};

/* Claims the known paths of every input of list (finished: sorted). s
 * and list must outlive the claims. */
struct ib_claims *ib_claims_new(const struct ib_settings *s,
                                const struct ib_file_list *list);
void ib_claims_free(struct ib_claims *c);

/* What output r of entry i may do; why set unless IB_CLAIM_FREE. */
enum ib_claim_state ib_claims_state(struct ib_claims *c, size_t i, int r,
                                    char *why, size_t why_len);

/* Claims path for output r of entry i, known only once made. 0, or -1
 * with why when it is another output's or an input's. */
int ib_claims_late(struct ib_claims *c, size_t i, int r, const char *path,
                   char *why, size_t why_len);

/* The path output r of entry i claimed at run time, or NULL. */
const char *ib_claims_late_path(const struct ib_claims *c, size_t i, int r);

#endif
