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

static int parse_auto(const char *(*env)(const char *), struct ib_shard *out,
                      char *err, size_t err_len)
{
    long long id = whole_number(env("SLURM_ARRAY_TASK_ID"), 0, 1 << 30);
    long long count = whole_number(env("SLURM_ARRAY_TASK_COUNT"), 1, 1 << 20);
    const char *min_text = env("SLURM_ARRAY_TASK_MIN");
    long long min = min_text ? whole_number(min_text, 0, 1 << 30) : 0;
    if (id < 0 || count < 0 || min < 0) {
        snprintf(err, err_len,
                 "'auto' needs SLURM_ARRAY_TASK_ID and SLURM_ARRAY_TASK_COUNT "
                 "(run it in a Slurm job array)");
        return -1;
    }
    if (id - min < 0 || id - min >= count) {
        snprintf(err, err_len,
                 "SLURM_ARRAY_TASK_ID %lld is not within %lld tasks from %lld "
                 "(use a contiguous array such as --array=0-%lld)",
                 id, count, min, count - 1);
        return -1;
    }
    out->index = (unsigned)(id - min);
    out->count = (unsigned)count;
    return 0;
}

int ib_shard_parse(const char *text, const char *(*env)(const char *),
                   struct ib_shard *out, char *err, size_t err_len)
{
    if (strcmp(text, "auto") == 0)
        return parse_auto(env, out, err, err_len);
    const char *slash = strchr(text, '/');
    char k_text[32];
    if (!slash || (size_t)(slash - text) >= sizeof(k_text)) {
        snprintf(err, err_len, "expected K/N (K from 0 to N-1) or auto");
        return -1;
    }
    snprintf(k_text, sizeof(k_text), "%.*s", (int)(slash - text), text);
    long long n = whole_number(slash + 1, 1, 1 << 20);
    long long k = whole_number(k_text, 0, 1 << 20);
    if (n < 0 || k < 0 || k >= n) {
        snprintf(err, err_len, "expected K/N with 0 <= K < N (N up to %d)",
                 1 << 20);
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
