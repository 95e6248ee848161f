/* SPDX-License-Identifier: MIT */
/* Sharding by a hash of the path below the PATH argument (not the whole
 * path): the same tree mounted at different places on different machines
 * still splits the same way. FNV-1a is enough here: the goal is an even,
 * stable spread, not resistance to crafted names. */
#include "imgbatch/shard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imgbatch/hash.h"

unsigned ib_shard_of(const char *rel, unsigned count)
{
    return count ? (unsigned)(ib_fnv1a_str(rel) % count) : 0;
}

/* A whole decimal number in [min, max], or -1. */
static long long whole_number(const char *text, long long min, long long max)
{
    if (!text || !*text)
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (*end || errno || v < min || v > max)
        return -1;
    return v;
}

#define MAX_ID (1 << 30)
#define MAX_COUNT (1 << 20)

/* A Slurm job array: SLURM_ARRAY_TASK_ID from SLURM_ARRAY_TASK_MIN, of
 * SLURM_ARRAY_TASK_COUNT tasks. count, when given (auto/N), must agree. */
static int parse_slurm(const char *(*env)(const char *), long long count,
                       struct ib_shard *out, char *err, size_t err_len)
{
    long long id = whole_number(env("SLURM_ARRAY_TASK_ID"), 0, MAX_ID);
    long long tasks = whole_number(env("SLURM_ARRAY_TASK_COUNT"), 1, MAX_COUNT);
    const char *min_text = env("SLURM_ARRAY_TASK_MIN");
    long long min = min_text ? whole_number(min_text, 0, MAX_ID) : 0;
    if (id < 0 || tasks < 0 || min < 0) {
        snprintf(err, err_len,
                 "'auto' needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT "
                 "(a Slurm job array) or JOB_COMPLETION_INDEX (a Kubernetes "
                 "Indexed Job)");
        return -1;
    }
    if (count > 0 && count != tasks) {
        snprintf(err, err_len,
                 "'auto/%lld' but the Slurm array has %lld tasks "
                 "(SLURM_ARRAY_TASK_COUNT)",
                 count, tasks);
        return -1;
    }
    if (id - min < 0 || id - min >= tasks) {
        snprintf(err, err_len,
                 "SLURM_ARRAY_TASK_ID %lld is not within %lld tasks from %lld "
                 "(use a contiguous array such as --array=0-%lld)",
                 id, tasks, min, tasks - 1);
        return -1;
    }
    out->index = (unsigned)(id - min);
    out->count = (unsigned)tasks;
    return 0;
}

/* A Kubernetes Indexed Job: each pod has JOB_COMPLETION_INDEX, but nothing
 * tells it the Job's completions, so N comes from auto/N or from
 * IMGBATCH_SHARD_COUNT (which the Job's manifest sets). */
static int parse_indexed_job(const char *(*env)(const char *), long long count,
                             struct ib_shard *out, char *err, size_t err_len)
{
    const char *index_text = env("JOB_COMPLETION_INDEX");
    long long index = whole_number(index_text, 0, MAX_ID);
    const char *count_text = env("IMGBATCH_SHARD_COUNT");
    if (count == 0 && count_text)
        count = whole_number(count_text, 1, MAX_COUNT);
    if (index < 0 || count < 0) {
        snprintf(err, err_len, "%s '%s' is not a whole number%s",
                 index < 0 ? "JOB_COMPLETION_INDEX" : "IMGBATCH_SHARD_COUNT",
                 index < 0 ? index_text : count_text,
                 index < 0 ? "" : " from 1");
        return -1;
    }
    if (count == 0) {
        snprintf(err, err_len,
                 "JOB_COMPLETION_INDEX is %lld, but of how many? Give "
                 "--shard auto/N or IMGBATCH_SHARD_COUNT (the Job's "
                 "completions)",
                 index);
        return -1;
    }
    if (index >= count) {
        snprintf(err, err_len,
                 "JOB_COMPLETION_INDEX %lld is not below the count %lld", index,
                 count);
        return -1;
    }
    out->index = (unsigned)index;
    out->count = (unsigned)count;
    return 0;
}

/* "auto" or "auto/N": from a Slurm job array, else from a Kubernetes
 * Indexed Job. */
static int parse_auto(const char *text, const char *(*env)(const char *),
                      struct ib_shard *out, char *err, size_t err_len)
{
    long long count = 0;
    if (text[4] == '/') {
        count = whole_number(text + 5, 1, MAX_COUNT);
        if (count < 0) {
            snprintf(err, err_len, "expected auto/N with N from 1 to %d",
                     MAX_COUNT);
            return -1;
        }
    }
    if (env("SLURM_ARRAY_TASK_ID") || !env("JOB_COMPLETION_INDEX"))
        return parse_slurm(env, count, out, err, err_len);
    return parse_indexed_job(env, count, out, err, err_len);
}

int ib_shard_parse(const char *text, const char *(*env)(const char *),
                   struct ib_shard *out, char *err, size_t err_len)
{
    if (strncmp(text, "auto", 4) == 0 && (!text[4] || text[4] == '/'))
        return parse_auto(text, env, out, err, err_len);
    const char *slash = strchr(text, '/');
    char k_text[32];
    if (!slash || (size_t)(slash - text) >= sizeof(k_text)) {
        snprintf(err, err_len, "expected K/N (K from 0 to N-1) or auto");
        return -1;
    }
    snprintf(k_text, sizeof(k_text), "%.*s", (int)(slash - text), text);
    long long n = whole_number(slash + 1, 1, MAX_COUNT);
    long long k = whole_number(k_text, 0, MAX_COUNT);
    if (n < 0 || k < 0 || k >= n) {
        snprintf(err, err_len, "expected K/N with 0 <= K < N (N up to %d)",
                 MAX_COUNT);
        return -1;
    }
    out->index = (unsigned)k;
    out->count = (unsigned)n;
    return 0;
}

void ib_shard_filter(struct ib_file_list *list, const struct ib_shard *s)
{
    if (s->count <= 1)
        return;
    size_t kept = 0;
    for (size_t i = 0; i < list->n; i++)
        if (ib_shard_of(ib_entry_rel(&list->v[i]), s->count) == s->index)
            list->v[kept++] = list->v[i];
    list->n = kept;
}
