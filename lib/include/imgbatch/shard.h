/* SPDX-License-Identifier: MIT */
/* --shard K/N: one of N disjoint parts of the input list, chosen by a
 * stable hash of each input's relative path, so the parts cover every
 * input once and a file keeps its part when others come and go. */
#ifndef IMGBATCH_SHARD_H
#define IMGBATCH_SHARD_H

#include <stddef.h>
#include <stdint.h>

#include "imgbatch/scan.h"
#include "imgbatch/settings.h"

/* Parses "K/N" (K from 0), or "auto" or "auto/N": from a Slurm job array
 * (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN, SLURM_ARRAY_TASK_COUNT), else
 * from a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with N from auto/N
 * or IMGBATCH_SHARD_COUNT). env is a getenv-like function, so tests can
 * pass their own. 0, or -1 with why. */
int ib_shard_parse(const char *text, const char *(*env)(const char *),
                   struct ib_shard *out, char *err, size_t err_len);

/* The part a relative path belongs to. */
unsigned ib_shard_of(const char *rel, unsigned count);

/* Keeps only the list's entries in the shard (order kept). */
void ib_shard_filter(struct ib_file_list *list, const struct ib_shard *s);

#endif
