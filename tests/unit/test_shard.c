/* SPDX-License-Identifier: MIT */
/* --shard: parsing (K/N, auto from a Slurm array), and the split itself:
 * disjoint parts that cover a 1,000-file list, fairly even, and stable
 * when files are added. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "imgbatch/shard.h"

static const char *slurm_id, *slurm_count, *slurm_min;
static const char *job_index, *shard_count;

static const char *fake_env(const char *name)
{
    if (strcmp(name, "SLURM_ARRAY_TASK_ID") == 0)
        return slurm_id;
    if (strcmp(name, "SLURM_ARRAY_TASK_COUNT") == 0)
        return slurm_count;
    if (strcmp(name, "SLURM_ARRAY_TASK_MIN") == 0)
        return slurm_min;
    if (strcmp(name, "JOB_COMPLETION_INDEX") == 0)
        return job_index;
    if (strcmp(name, "IMGBATCH_SHARD_COUNT") == 0)
        return shard_count;
    return NULL;
}

static void expect_shard(const char *text, unsigned k, unsigned n)
{
    struct ib_shard s = {0, 0};
    char err[192] = "";
    CHECK_INT(ib_shard_parse(text, fake_env, &s, err, sizeof(err)), 0);
    CHECK_INT(s.index, k);
    CHECK_INT(s.count, n);
}

static void expect_bad(const char *text, const char *why)
{
    struct ib_shard s;
    char err[192] = "";
    CHECK_INT(ib_shard_parse(text, fake_env, &s, err, sizeof(err)), -1);
    CHECK(strstr(err, why) != NULL);
}

static void parsing(void)
{
    expect_shard("0/4", 0, 4);
    expect_shard("3/4", 3, 4);
    expect_shard("0/1", 0, 1);
    expect_bad("4/4", "0 <= K < N");
    expect_bad("-1/4", "0 <= K < N");
    expect_bad("1/0", "0 <= K < N");
    expect_bad("1", "K/N");
    expect_bad("a/b", "0 <= K < N");
    expect_bad("1/4x", "0 <= K < N");
    expect_bad("auto", "SLURM_ARRAY_TASK_ID");
    slurm_id = "2", slurm_count = "4", slurm_min = "0";
    expect_shard("auto", 2, 4);
    /* --array=1-4: task ids 1..4 are parts 0..3. */
    slurm_id = "4", slurm_min = "1";
    expect_shard("auto", 3, 4);
    slurm_id = "5";
    expect_bad("auto", "not within 4 tasks");
    slurm_id = "2", slurm_min = "0";
    expect_shard("auto/4", 2, 4);
    expect_bad("auto/5", "the Slurm array has 4 tasks");
    expect_bad("auto/0", "auto/N");
    expect_bad("autox", "K/N");
    slurm_id = slurm_count = slurm_min = NULL;
}

/* A Kubernetes Indexed Job: the index from the pod, N from auto/N or
 * IMGBATCH_SHARD_COUNT. */
static void indexed_job(void)
{
    job_index = "3";
    expect_bad("auto", "auto/N or IMGBATCH_SHARD_COUNT");
    expect_shard("auto/4", 3, 4);
    expect_bad("auto/3", "not below the count 3");
    shard_count = "8";
    expect_shard("auto", 3, 8);
    expect_shard("auto/4", 3, 4); /* the option over the variable */
    shard_count = "x";
    expect_bad("auto", "IMGBATCH_SHARD_COUNT 'x'");
    job_index = "-1";
    expect_bad("auto/4", "JOB_COMPLETION_INDEX '-1'");
    /* Slurm's variables, when set, win. */
    job_index = "0", shard_count = NULL;
    slurm_id = "1", slurm_count = "2";
    expect_shard("auto", 1, 2);
    slurm_id = slurm_count = job_index = NULL;
}

static void split(void)
{
    enum { FILES = 1000, PARTS = 4 };
    unsigned seen[PARTS] = {0};
    char name[64];
    for (int i = 0; i < FILES; i++) {
        snprintf(name, sizeof(name), "dir%d/photo-%04d.jpg", i % 7, i);
        unsigned part = ib_shard_of(name, PARTS);
        CHECK(part < PARTS); /* every file in exactly one part */
        seen[part]++;
        /* Stable: the same name, the same part, whatever else exists. */
        CHECK_INT(ib_shard_of(name, PARTS), part);
    }
    unsigned total = 0;
    for (int p = 0; p < PARTS; p++) {
        total += seen[p];
        /* Fair within 20% of 250. */
        CHECK(seen[p] > 200 && seen[p] < 300);
    }
    CHECK_INT(total, FILES);
}

static void filtering(void)
{
    struct ib_file_list l;
    ib_list_init(&l);
    struct ib_scan_options opts = {0};
    char name[64];
    for (int i = 0; i < 100; i++) {
        snprintf(name, sizeof(name), "/nonexistent/f%03d.jpg", i);
        ib_scan_listed_file(&l, name, &opts);
    }
    ib_list_finish(&l);
    size_t union_size = 0;
    for (unsigned k = 0; k < 3; k++) {
        struct ib_file_list part;
        ib_list_init(&part);
        for (size_t i = 0; i < l.n; i++)
            ib_scan_listed_file(&part, l.v[i].path, &opts);
        ib_list_finish(&part);
        struct ib_shard s = {k, 3};
        ib_shard_filter(&part, &s);
        for (size_t i = 0; i < part.n; i++)
            CHECK_INT(ib_shard_of(ib_entry_rel(&part.v[i]), 3), k);
        union_size += part.n;
        ib_list_free(&part);
    }
    CHECK_INT(union_size, 100);
    ib_list_free(&l);
}

int main(void)
{
    parsing();
    indexed_job();
    split();
    filtering();
    CHECK_DONE();
}
