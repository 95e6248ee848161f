/* SPDX-License-Identifier: MIT */
/* The -u state (state.h) on real files: what a record says about an
 * input and its output after a save and a fresh load, each way an input
 * can need work again, names with every awkward byte, outputs in other
 * folders than the state's, a save that leaves no temp file, a file from
 * another version or with damaged lines, shard state files, and --prune
 * (inputs gone, variants no longer made). */
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
static uint64_t fp = 42;
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
    struct ib_entry e = input("in.jpg", in_path, sizeof(in_path));
    snprintf(out_path, sizeof(out_path), "%s", at("resized_in.jpg"));

    struct ib_state *st = (fp = 42, ib_state_new(NULL));
    CHECK_INT(ib_state_check(st, root, &e, "v", fp, out_path), IB_FRESH_NEW);
    write_file("resized_in.jpg", "output");
    ib_state_record(st, root, &e, "v", fp, out_path);
    CHECK_INT(ib_state_save(st), 0);
    ib_state_free(st);
    CHECK_INT(files_named(".imgbatch-state"), 1);
    CHECK_INT(files_named(".imgbatch-state."), 0); /* no temp file left */

    st = (fp = 42, ib_state_new(NULL));
    CHECK_INT(ib_state_check(st, root, &e, "v", fp, out_path),
              IB_FRESH_UP_TO_DATE);
    ib_state_free(st);

    st = (fp = 43, ib_state_new(NULL));
    CHECK_INT(ib_state_check(st, root, &e, "v", fp, out_path),
              IB_FRESH_SETTINGS_CHANGED);
    ib_state_free(st);

    struct ib_entry touched = e;
    touched.mtime_ns += 1;
    st = (fp = 42, ib_state_new(NULL));
    CHECK_INT(ib_state_check(st, root, &touched, "v", fp, out_path),
              IB_FRESH_INPUT_CHANGED);
    struct ib_entry grown = e;
    grown.size += 1;
    CHECK_INT(ib_state_check(st, root, &grown, "v", fp, out_path),
              IB_FRESH_INPUT_CHANGED);
    ib_state_free(st);

    set_mtime("resized_in.jpg", 1000000);
    st = (fp = 42, ib_state_new(NULL));
    CHECK_INT(ib_state_check(st, root, &e, "v", fp, out_path),
              IB_FRESH_OUTPUT_CHANGED);
    ib_state_free(st);

    unlink(out_path);
    st = (fp = 42, ib_state_new(NULL));
    CHECK_INT(ib_state_check(st, root, &e, "v", fp, out_path), IB_FRESH_NEW);
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
    struct ib_state *st = (fp = 7, ib_state_new(NULL));
    for (int i = 0; i < 5; i++) {
        write_file(names[i], "x");
        e[i] = input(names[i], in[i], sizeof(in[i]));
        char rel[128];
        snprintf(rel, sizeof(rel), "resized_%s", names[i]);
        write_file(rel, "y");
        snprintf(out[i], sizeof(out[i]), "%s", at(rel));
        ib_state_record(st, root, &e[i], "v", fp, out[i]);
    }
    CHECK_INT(ib_state_save(st), 0);
    ib_state_free(st);
    st = (fp = 7, ib_state_new(NULL));
    for (int i = 0; i < 5; i++)
        CHECK_INT(ib_state_check(st, root, &e[i], "v", fp, out[i]),
                  IB_FRESH_UP_TO_DATE);
    ib_state_free(st);
}

/* A state file of an unknown version, or a damaged line, never costs a
 * wrong skip: with no record, the file at the output's path is not
 * imgbatch's to replace. */
static void damaged_files(void)
{
    char in_path[512], out_path[512];
    write_file("d.jpg", "input");
    write_file("resized_d.jpg", "output");
    struct ib_entry e = input("d.jpg", in_path, sizeof(in_path));
    snprintf(out_path, sizeof(out_path), "%s", at("resized_d.jpg"));
    write_file(".imgbatch-state", "imgbatch-state 0\n");
    struct ib_state *st = (fp = 1, ib_state_new(NULL));
    CHECK_INT(ib_state_check(st, root, &e, "v", fp, out_path),
              IB_FRESH_NOT_OURS);
    ib_state_free(st);
    write_file(".imgbatch-state",
               "imgbatch-state 2\nnot a record\n0000000000000001\t1\n");
    st = (fp = 1, ib_state_new(NULL));
    CHECK_INT(ib_state_check(st, root, &e, "v", fp, out_path),
              IB_FRESH_NOT_OURS);
    ib_state_free(st);
    unlink(out_path);
    st = (fp = 1, ib_state_new(NULL));
    CHECK_INT(ib_state_check(st, root, &e, "v", fp, out_path), IB_FRESH_NEW);
    ib_state_free(st);
}

/* A state file of version 1 (0.1.0's: no variant) still says which files
 * imgbatch made: they are redone (the fingerprints changed), not refused. */
static void version_1_files(void)
{
    char in_path[512], out_path[512], text[1024];
    write_file("v1.jpg", "input");
    write_file("resized_v1.jpg", "output");
    struct ib_entry e = input("v1.jpg", in_path, sizeof(in_path));
    snprintf(out_path, sizeof(out_path), "%s", at("resized_v1.jpg"));
    struct stat st_out;
    CHECK(stat(out_path, &st_out) == 0);
    snprintf(text, sizeof(text),
             "imgbatch-state 1\n0000000000000001\t%lld\t%lld\t%lld\t%lld\t"
             "resized_v1.jpg\t%s\n",
             (long long)e.size, e.mtime_ns, (long long)st_out.st_size,
             (long long)st_out.st_mtim.tv_sec * 1000000000LL +
                 st_out.st_mtim.tv_nsec,
             in_path);
    write_file(".imgbatch-state", text);
    struct ib_state *st = (fp = 2, ib_state_new(NULL));
    CHECK_INT(ib_state_check(st, root, &e, "default", fp, out_path),
              IB_FRESH_SETTINGS_CHANGED);
    ib_state_free(st);
    unlink(at(".imgbatch-state"));
    unlink(out_path);
}

/* Under -u only a file imgbatch made is replaced: one it has no record
 * of, or one changed since, is not. */
static void files_not_ours(void)
{
    char in_path[512], out_path[512];
    write_file("n.jpg", "input");
    write_file("resized_n.jpg", "someone's own");
    struct ib_entry e = input("n.jpg", in_path, sizeof(in_path));
    snprintf(out_path, sizeof(out_path), "%s", at("resized_n.jpg"));
    struct ib_state *st = (fp = 3, ib_state_new(NULL));
    CHECK_INT(ib_state_check(st, root, &e, "v", fp, out_path),
              IB_FRESH_NOT_OURS);
    CHECK(ib_freshness_refused(IB_FRESH_NOT_OURS));
    CHECK(ib_freshness_refused(IB_FRESH_OUTPUT_CHANGED));
    CHECK(!ib_freshness_refused(IB_FRESH_SETTINGS_CHANGED));
    CHECK_STR(ib_freshness_text(IB_FRESH_NOT_OURS), "not made by imgbatch");
    ib_state_free(st);
    unlink(out_path);
    /* A run killed after writing an output it meant to make, before its
     * record: the intent saved up front makes the file imgbatch's. */
    st = (fp = 3, ib_state_new(NULL));
    ib_state_intend(st, root, &e, "v", out_path);
    CHECK_INT(ib_state_save(st), 0);
    ib_state_free(st);
    write_file("resized_n.jpg", "made, then killed");
    st = (fp = 3, ib_state_new(NULL));
    CHECK_INT(ib_state_check(st, root, &e, "v", fp, out_path),
              IB_FRESH_SETTINGS_CHANGED);
    ib_state_free(st);
    unlink(out_path);
    unlink(at(".imgbatch-state"));
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
    struct ib_state *st = (fp = 5, ib_state_new(&shard));
    ib_state_record(st, root, &e, "v", fp, out_path);
    CHECK_INT(ib_state_save(st), 0);
    ib_state_free(st);
    CHECK_INT(files_named(".imgbatch-state.2-of-4"), 1);
    st = (fp = 5, ib_state_new(&shard));
    CHECK_INT(ib_state_check(st, root, &e, "v", fp, out_path),
              IB_FRESH_UP_TO_DATE);
    ib_state_free(st);
    /* The unsharded file has no record of it, but the shard's file says
     * imgbatch made it: new work, not a file to leave alone. */
    st = (fp = 5, ib_state_new(NULL));
    CHECK_INT(ib_state_check(st, root, &e, "v", fp, out_path), IB_FRESH_NEW);
    ib_state_free(st);
}

static int pruned;
static char pruned_output[512];

static void on_pruned(void *ctx, const char *output, const char *input_path,
                      const char *why)
{
    (void)ctx;
    (void)input_path;
    (void)why;
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
    struct ib_state *st = (fp = 9, ib_state_new(NULL));
    ib_state_record(st, root, &e1, "v", fp, out1);
    ib_state_record(st, root, &e2, "v", fp, out2);
    CHECK_INT(ib_state_save(st), 0);
    ib_state_free(st);

    unlink(in1);
    unlink(in2);
    write_file("resized_p2.jpg", "changed by someone");
    st = (fp = 9, ib_state_new(NULL));
    static const char *const variants[] = {"v"};
    CHECK_INT(ib_state_prune(st, root, variants, 1, on_pruned, NULL), 1);
    CHECK_INT(pruned, 1);
    CHECK_STR(pruned_output, out1);
    CHECK(access(out1, F_OK) != 0);
    CHECK(access(out2, F_OK) == 0);
    CHECK_INT(ib_state_save(st), 0);
    ib_state_free(st);
    /* Forgotten: on the input's return, the file someone changed is not
     * imgbatch's to replace; once it is gone, the output is new work. */
    write_file("p2.jpg", "b");
    struct ib_entry back = input("p2.jpg", in2, sizeof(in2));
    st = (fp = 9, ib_state_new(NULL));
    CHECK_INT(ib_state_check(st, root, &back, "v", fp, out2),
              IB_FRESH_NOT_OURS);
    unlink(out2);
    CHECK_INT(ib_state_check(st, root, &back, "v", fp, out2), IB_FRESH_NEW);
    ib_state_free(st);
}

/* The fingerprint: equal settings agree, any setting that changes an
 * output's bytes changes it. */
static void fingerprints(void)
{
    struct ib_settings a, b;
    struct ib_rendition x, y;
    ib_settings_defaults(&a);
    ib_settings_defaults(&b);
    ib_rendition_defaults(&x);
    ib_rendition_defaults(&y);
    uint64_t base = ib_rendition_fingerprint(&a, &x);
    CHECK(ib_rendition_fingerprint(&b, &y) == base);
    y.quality = 84;
    CHECK(ib_rendition_fingerprint(&b, &y) != base);
    ib_rendition_defaults(&y);
    y.encoder.webp_effort = 3;
    CHECK(ib_rendition_fingerprint(&b, &y) != base);
    ib_rendition_defaults(&y);
    y.geometry.width = 99;
    CHECK(ib_rendition_fingerprint(&b, &y) != base);
    ib_rendition_defaults(&y);
    y.fit = IB_FIT_CONTAIN;
    CHECK(ib_rendition_fingerprint(&b, &y) != base);
    ib_rendition_defaults(&y);
    y.name = "{stem}-{w}.{ext}";
    CHECK(ib_rendition_fingerprint(&b, &y) != base);
    ib_rendition_defaults(&y);
    b.colour.linear = 1;
    CHECK(ib_rendition_fingerprint(&b, &y) != base);
    /* What changes no byte of an output does not count. */
    ib_settings_defaults(&b);
    b.jobs = 7;
    b.timeout_s = 1;
    CHECK(ib_rendition_fingerprint(&b, &y) == base);
}

/* An output in another folder than the state's (a --name with a folder
 * in it) is found through its record, and a variant no longer made is
 * pruned while the others stay. */
static void elsewhere_and_variants(void)
{
    char in_path[512], out1[512], out2[512];
    write_file("e.jpg", "input");
    mkdir(at("sub"), 0755);
    write_file("sub/e-320.jpg", "output");
    write_file("e-640.jpg", "output");
    struct ib_entry e = input("e.jpg", in_path, sizeof(in_path));
    snprintf(out1, sizeof(out1), "%s", at("sub/e-320.jpg"));
    snprintf(out2, sizeof(out2), "%s", at("e-640.jpg"));
    struct ib_state *st = (fp = 11, ib_state_new(NULL));
    ib_state_record(st, root, &e, "320", fp, out1);
    ib_state_record(st, root, &e, "640", fp, out2);
    CHECK_INT(ib_state_save(st), 0);
    ib_state_free(st);
    st = ib_state_new(NULL);
    /* Found by input and variant, whatever its name is now. */
    CHECK_INT(ib_state_check(st, root, &e, "320", fp, NULL),
              IB_FRESH_UP_TO_DATE);
    CHECK_INT(ib_state_check(st, root, &e, "320", fp, out1),
              IB_FRESH_UP_TO_DATE);
    CHECK_INT(ib_state_check(st, root, &e, "320", fp, out2),
              IB_FRESH_SETTINGS_CHANGED);
    CHECK_INT(ib_state_check(st, root, &e, "1280", fp, NULL), IB_FRESH_NEW);
    pruned = 0;
    static const char *const only_640[] = {"640"};
    CHECK_INT(ib_state_prune(st, root, only_640, 1, on_pruned, NULL), 1);
    CHECK_STR(pruned_output, out1);
    CHECK(access(out1, F_OK) != 0);
    CHECK(access(out2, F_OK) == 0);
    ib_state_free(st);
}

int main(void)
{
    snprintf(root, sizeof(root), "/tmp/imgbatch-state-XXXXXX");
    CHECK(mkdtemp(root) != NULL);
    freshness();
    odd_names();
    damaged_files();
    version_1_files();
    files_not_ours();
    shard_files();
    prune();
    elsewhere_and_variants();
    fingerprints();
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    CHECK(system(cmd) == 0);
    CHECK_DONE();
}
