/* SPDX-License-Identifier: MIT */
/* The -u state (state.h) on real files: what a record says about an
 * input and its output after a save and a fresh load, each way an input
 * can need work again, names with every awkward byte, a save that leaves
 * no temp file, a file from another version or with damaged lines, shard
 * state files, and --prune. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"
#include "state.h"

static char root[64];
static char path_buf[512];

static const char *at(const char *rel)
{
    snprintf(path_buf, sizeof(path_buf), "%s/%s", root, rel);
    return path_buf;
}

static void write_file(const char *rel, const char *text)
{
    int fd = open(at(rel), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    if (fd >= 0) {
        CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text));
        close(fd);
    }
}

/* An entry as the scanner makes it: size and mtime from the file. */
static struct ib_entry input(const char *rel, char *keep, size_t len)
{
    struct ib_entry e;
    memset(&e, 0, sizeof(e));
    snprintf(keep, len, "%s", at(rel));
    e.path = keep;
    struct stat st;
    CHECK(stat(keep, &st) == 0);
    e.size = st.st_size;
    e.mtime_ns =
        (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec;
    return e;
}

static void set_mtime(const char *rel, long seconds)
{
    struct timeval tv[2] = {{seconds, 0}, {seconds, 0}};
    CHECK(utimes(at(rel), tv) == 0);
}

static int files_named(const char *prefix)
{
    DIR *d = opendir(root);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    if (d)
        closedir(d);
    return n;
}

/* A record survives a save and a fresh load; then each change. */
static void freshness(void)
{
    char in_path[512], out_path[512];
    write_file("in.jpg", "input");
    write_file("resized_in.jpg", "output");
    struct ib_entry e = input("in.jpg", in_path, sizeof(in_path));
    snprintf(out_path, sizeof(out_path), "%s", at("resized_in.jpg"));

    struct ib_state *st = ib_state_new(42, NULL);
    CHECK_INT(ib_state_check(st, &e, out_path), IB_FRESH_NEW);
    ib_state_record(st, &e, out_path);
    CHECK_INT(ib_state_save(st), 0);
    ib_state_free(st);
    CHECK_INT(files_named(".imgbatch-state"), 1);
    CHECK_INT(files_named(".imgbatch-state."), 0); /* no temp file left */

    st = ib_state_new(42, NULL);
    CHECK_INT(ib_state_check(st, &e, out_path), IB_FRESH_UP_TO_DATE);
    ib_state_free(st);

    st = ib_state_new(43, NULL);
    CHECK_INT(ib_state_check(st, &e, out_path), IB_FRESH_SETTINGS_CHANGED);
    ib_state_free(st);

    struct ib_entry touched = e;
    touched.mtime_ns += 1;
    st = ib_state_new(42, NULL);
    CHECK_INT(ib_state_check(st, &touched, out_path), IB_FRESH_INPUT_CHANGED);
    struct ib_entry grown = e;
    grown.size += 1;
    CHECK_INT(ib_state_check(st, &grown, out_path), IB_FRESH_INPUT_CHANGED);
    ib_state_free(st);

    set_mtime("resized_in.jpg", 1000000);
    st = ib_state_new(42, NULL);
    CHECK_INT(ib_state_check(st, &e, out_path), IB_FRESH_OUTPUT_CHANGED);
    ib_state_free(st);

    unlink(out_path);
    st = ib_state_new(42, NULL);
    CHECK_INT(ib_state_check(st, &e, out_path), IB_FRESH_NEW);
    ib_state_free(st);
    CHECK_STR(ib_freshness_text(IB_FRESH_OUTPUT_CHANGED), "output changed");
}

/* Tabs, newlines, '%' and bytes that are not UTF-8 stay one record. */
static void odd_names(void)
{
    static const char *const names[] = {"tab\there.jpg", "new\nline.jpg",
                                        "per%25cent.jpg", "\xff\xfe.jpg",
                                        "sp ace.jpg"};
    char in[5][512], out[5][512];
    struct ib_entry e[5];
    struct ib_state *st = ib_state_new(7, NULL);
    for (int i = 0; i < 5; i++) {
        write_file(names[i], "x");
        e[i] = input(names[i], in[i], sizeof(in[i]));
        char rel[128];
        snprintf(rel, sizeof(rel), "resized_%s", names[i]);
        write_file(rel, "y");
        snprintf(out[i], sizeof(out[i]), "%s", at(rel));
        ib_state_record(st, &e[i], out[i]);
    }
    CHECK_INT(ib_state_save(st), 0);
    ib_state_free(st);
    st = ib_state_new(7, NULL);
    for (int i = 0; i < 5; i++)
        CHECK_INT(ib_state_check(st, &e[i], out[i]), IB_FRESH_UP_TO_DATE);
    ib_state_free(st);
}

/* A state file of another version, or a damaged line, costs work, never a
 * wrong skip. */
static void damaged_files(void)
{
    char in_path[512], out_path[512];
    write_file("d.jpg", "input");
    write_file("resized_d.jpg", "output");
    struct ib_entry e = input("d.jpg", in_path, sizeof(in_path));
    snprintf(out_path, sizeof(out_path), "%s", at("resized_d.jpg"));
    write_file(".imgbatch-state", "imgbatch-state 0\n");
    struct ib_state *st = ib_state_new(1, NULL);
    CHECK_INT(ib_state_check(st, &e, out_path), IB_FRESH_NEW);
    ib_state_free(st);
    write_file(".imgbatch-state",
               "imgbatch-state 1\nnot a record\n0000000000000001\t1\n");
    st = ib_state_new(1, NULL);
    CHECK_INT(ib_state_check(st, &e, out_path), IB_FRESH_NEW);
    ib_state_free(st);
}

/* Shards keep state files of their own. */
static void shard_files(void)
{
    char in_path[512], out_path[512];
    write_file("s.jpg", "input");
    write_file("resized_s.jpg", "output");
    struct ib_entry e = input("s.jpg", in_path, sizeof(in_path));
    snprintf(out_path, sizeof(out_path), "%s", at("resized_s.jpg"));
    struct ib_shard shard = {2, 4};
    struct ib_state *st = ib_state_new(5, &shard);
    ib_state_record(st, &e, out_path);
    CHECK_INT(ib_state_save(st), 0);
    ib_state_free(st);
    CHECK_INT(files_named(".imgbatch-state.2-of-4"), 1);
    st = ib_state_new(5, &shard);
    CHECK_INT(ib_state_check(st, &e, out_path), IB_FRESH_UP_TO_DATE);
    ib_state_free(st);
    st = ib_state_new(5, NULL); /* the unsharded file knows nothing of it */
    CHECK_INT(ib_state_check(st, &e, out_path), IB_FRESH_NEW);
    ib_state_free(st);
}

static int pruned;
static char pruned_output[512];

static void on_pruned(void *ctx, const char *output, const char *input_path)
{
    (void)ctx;
    (void)input_path;
    pruned++;
    snprintf(pruned_output, sizeof(pruned_output), "%s", output);
}

/* --prune removes the output of an input that is gone, if it is still the
 * file imgbatch made; one changed since is kept. Both records go. */
static void prune(void)
{
    char in1[512], in2[512], out1[512], out2[512];
    write_file("p1.jpg", "a");
    write_file("p2.jpg", "b");
    write_file("resized_p1.jpg", "made");
    write_file("resized_p2.jpg", "made");
    struct ib_entry e1 = input("p1.jpg", in1, sizeof(in1));
    struct ib_entry e2 = input("p2.jpg", in2, sizeof(in2));
    snprintf(out1, sizeof(out1), "%s", at("resized_p1.jpg"));
    snprintf(out2, sizeof(out2), "%s", at("resized_p2.jpg"));
    struct ib_state *st = ib_state_new(9, NULL);
    ib_state_record(st, &e1, out1);
    ib_state_record(st, &e2, out2);
    CHECK_INT(ib_state_save(st), 0);
    ib_state_free(st);

    unlink(in1);
    unlink(in2);
    write_file("resized_p2.jpg", "changed by someone");
    st = ib_state_new(9, NULL);
    CHECK_INT(ib_state_prune(st, root, on_pruned, NULL), 1);
    CHECK_INT(pruned, 1);
    CHECK_STR(pruned_output, out1);
    CHECK(access(out1, F_OK) != 0);
    CHECK(access(out2, F_OK) == 0);
    CHECK_INT(ib_state_save(st), 0);
    ib_state_free(st);
    /* Forgotten: the input's return is new work. */
    write_file("p2.jpg", "b");
    struct ib_entry back = input("p2.jpg", in2, sizeof(in2));
    st = ib_state_new(9, NULL);
    CHECK_INT(ib_state_check(st, &back, out2), IB_FRESH_NEW);
    ib_state_free(st);
}

/* The fingerprint: equal settings agree, any setting that changes an
 * output's bytes changes it. */
static void fingerprints(void)
{
    struct ib_settings a, b;
    ib_settings_defaults(&a);
    ib_settings_defaults(&b);
    CHECK(ib_settings_fingerprint(&a) == ib_settings_fingerprint(&b));
    b.quality = 84;
    CHECK(ib_settings_fingerprint(&a) != ib_settings_fingerprint(&b));
    ib_settings_defaults(&b);
    b.encoder.webp_effort = 3;
    CHECK(ib_settings_fingerprint(&a) != ib_settings_fingerprint(&b));
    ib_settings_defaults(&b);
    b.geometry.width = 99;
    CHECK(ib_settings_fingerprint(&a) != ib_settings_fingerprint(&b));
    /* What changes no byte of an output does not count. */
    ib_settings_defaults(&b);
    b.jobs = 7;
    b.timeout_s = 1;
    CHECK(ib_settings_fingerprint(&a) == ib_settings_fingerprint(&b));
}

int main(void)
{
    snprintf(root, sizeof(root), "/tmp/imgbatch-state-XXXXXX");
    CHECK(mkdtemp(root) != NULL);
    freshness();
    odd_names();
    damaged_files();
    shard_files();
    prune();
    fingerprints();
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    CHECK(system(cmd) == 0);
    CHECK_DONE();
}
