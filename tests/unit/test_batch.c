/* SPDX-License-Identifier: MIT */
/* The batch on its own: a real pool, with fake workers that need no
 * libvips. Each input's content says what its worker does (copy it to
 * the output, fail with a reason, fail to write, crash); the hooks record
 * what the batch reports. What is checked is what a user of the batch sees:
 * every entry reported once with its status, reason and output; clashes
 * refused before any work; -u skipping what is up to date and redoing what
 * changed; --dry-run starting no worker; the largest file first for one
 * worker; a destination where every write fails stopping the batch; workers
 * that cannot start; goldens and orphans. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "check.h"
#include "imgbatch/batch.h"
#include "imgbatch/fdio.h"
#include "imgbatch/outpath.h"
#include "imgbatch/tempfile.h"

static char root[64];

static const char *at(const char *rel, char *buf, size_t len)
{
    snprintf(buf, len, "%s/%s", root, rel);
    return buf;
}

static void write_file(const char *rel, const char *text)
{
    char path[512];
    at(rel, path, sizeof(path));
    CHECK(ib_make_parent_dirs(path) == 0);
    CHECK(ib_write_file_atomic(path, text, strlen(text)) == 0);
}

static int exists(const char *rel)
{
    char path[512];
    return access(at(rel, path, sizeof(path)), F_OK) == 0;
}

/* ---- the fake worker --------------------------------------------------- */

struct workers {
    int fail_prepare;
};

static void read_input(const char *path, char *buf, size_t len)
{
    buf[0] = '\0';
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return;
    ssize_t n = read(fd, buf, len - 1);
    buf[n > 0 ? n : 0] = '\0';
    close(fd);
}

/* Output r of task t: named as the real worker names it (outpath.h). */
static const char *output_path(const struct ib_settings *s,
                               const struct ib_task *t, int r,
                               struct ib_buf *path)
{
    struct ib_input_name in = {t->input, t->rel};
    char why[128];
    CHECK(ib_output_path(&s->renditions[r], s->outdir, &in, &IB_OUTPUT_UNKNOWN,
                         path, why, sizeof(why)) == 0);
    return ib_buf_cstr(path);
}

/* The golden of an output: its path below -o, below the golden folder. */
static int golden_exists(const struct ib_settings *s, const char *output)
{
    char golden[512];
    snprintf(golden, sizeof(golden), "%s/%s", s->golden_dir,
             output + strlen(s->outdir) + 1);
    return access(golden, F_OK) == 0;
}

static void make_output(const struct ib_settings *s, const char *content,
                        const char *path, struct ib_output_outcome *out,
                        struct ib_outcome *o)
{
    out->path = path;
    out->error = "";
    if (ib_make_parent_dirs(path) != 0 ||
        ib_write_file_atomic(path, content, strlen(content)) != 0) {
        out->status = IB_STATUS_FAILED;
        out->error = "cannot write";
        ib_outcome_fail(o, "cannot write '%s'", path);
        return;
    }
    out->status = IB_STATUS_OK;
    out->out_w = out->out_h = 1;
    out->out_bytes = (long long)strlen(content);
    if (s->golden_dir)
        out->golden =
            golden_exists(s, path) ? IB_GOLDEN_MATCH : IB_GOLDEN_MISSING;
}

static void work(const struct ib_settings *s, const struct ib_task *t,
                 struct ib_buf *paths, struct ib_outcome *o)
{
    char content[256];
    read_input(t->input, content, sizeof(content));
    memset(o, 0, sizeof(*o));
    if (strcmp(content, "crash") == 0)
        _exit(3);
    if (strncmp(content, "fail:", 5) == 0) {
        ib_outcome_fail(o, "%s", content + 5);
        return;
    }
    o->status = IB_STATUS_OK;
    o->noutputs = t->noutputs;
    for (int r = 0; r < t->noutputs; r++) {
        struct ib_output_outcome *out = &o->outputs[r];
        const char *path = output_path(s, t, r, &paths[r]);
        if (t->outputs[r].action != IB_OUTPUT_MAKE) {
            out->status = t->outputs[r].action == IB_OUTPUT_KEEP
                              ? IB_STATUS_SKIPPED
                              : IB_STATUS_FAILED;
            out->path = path;
            out->error = t->outputs[r].reason;
            if (out->status == IB_STATUS_FAILED)
                ib_outcome_fail(o, "%s", out->error);
            continue;
        }
        if (strcmp(content, "nospace") == 0) {
            out->status = IB_STATUS_FAILED;
            out->path = path;
            out->error = "";
            ib_outcome_fail(o, "cannot write '%s': %s", path, strerror(ENOSPC));
            out->write_errno = o->write_errno = ENOSPC;
            continue;
        }
        make_output(s, content, path, out, o);
    }
}

static int prepare(void *ctx, char *why, size_t why_len)
{
    const struct workers *w = ctx;
    if (!w->fail_prepare)
        return 0;
    snprintf(why, why_len, "cannot load the fake module");
    return -1;
}

static void run_worker(void *ctx, const struct ib_settings *s, int task_fd,
                       int result_fd)
{
    (void)ctx;
    struct ib_buf in, out, paths[IB_MAX_OUTPUTS];
    ib_buf_init(&in);
    ib_buf_init(&out);
    for (int i = 0; i < IB_MAX_OUTPUTS; i++)
        ib_buf_init(&paths[i]);
    ib_proto_put_ready(&out, (uint32_t)getpid());
    if (ib_write_all(result_fd, out.data, out.len) != 0)
        _exit(0);
    size_t len;
    while (ib_proto_read_frame(task_fd, &in, &len) == 0) {
        struct ib_msg m;
        if (ib_proto_decode(in.data, len, &m) != 0)
            _exit(99);
        struct ib_outcome o;
        work(s, &m.task, paths, &o);
        ib_proto_put_result(&out, m.task.id, &o);
        if (ib_write_all(result_fd, out.data, out.len) != 0)
            _exit(0);
        ib_buf_consume(&in, len);
    }
    _exit(0);
}

/* ---- what the batch reports -------------------------------------------- */

#define MAX_FILES 32

struct seen {
    int n;
    char input[MAX_FILES][64]; /* below root */
    char output[MAX_FILES][64];
    int status[MAX_FILES];
    char error[MAX_FILES][IB_ERROR_MAX];
    int planned, orphans;
    char orphan[128];
};

static const char *below_root(const char *path)
{
    size_t n = strlen(root);
    return strncmp(path, root, n) == 0 ? path + n + 1 : path;
}

static void on_file(void *ctx, const struct ib_entry *e,
                    const struct ib_outcome *o)
{
    struct seen *s = ctx;
    if (s->n == MAX_FILES)
        return;
    snprintf(s->input[s->n], sizeof(s->input[0]), "%s", below_root(e->path));
    const char *output = o->noutputs ? o->outputs[0].path : NULL;
    snprintf(s->output[s->n], sizeof(s->output[0]), "%s",
             output ? below_root(output) : "");
    s->status[s->n] = o->status;
    snprintf(s->error[s->n], sizeof(s->error[0]), "%s", o->error);
    s->n++;
}

static void on_plan(void *ctx, const struct ib_entry *e, int rendition,
                    const char *output, const char *why)
{
    (void)e;
    (void)rendition;
    (void)output;
    (void)why;
    struct seen *s = ctx;
    s->planned++;
}

static void on_orphan(void *ctx, const char *golden)
{
    struct seen *s = ctx;
    s->orphans++;
    snprintf(s->orphan, sizeof(s->orphan), "%s", below_root(golden));
}

/* The report for one input (below root); -1 when it was not reported. */
static int find(const struct seen *s, const char *input)
{
    int at_ = -1;
    for (int i = 0; i < s->n; i++)
        if (strcmp(s->input[i], input) == 0) {
            CHECK(at_ < 0); /* once */
            at_ = i;
        }
    return at_;
}

static void expect(const struct seen *s, const char *input, int status,
                   const char *error)
{
    int i = find(s, input);
    if (i < 0) {
        fprintf(stderr, "'%s' was not reported\n", input);
        CHECK(i >= 0);
        return;
    }
    CHECK_INT(s->status[i], status);
    if (error)
        CHECK_STR(s->error[i], error);
}

/* Scans DIR (below root) as the command line would, then runs the
 * batch. */
static void run_batch(struct ib_settings *st, const char *dir, int workers_now,
                      struct workers *w, struct seen *seen,
                      struct ib_batch_result *result)
{
    memset(seen, 0, sizeof(*seen));
    const char *patterns[] = {"resized_*"};
    struct ib_scan_options scan = {
        .recursive = 1, .output_patterns = patterns, .npatterns = 1};
    struct ib_file_list list;
    ib_list_init(&list);
    char path[512], err[256];
    CHECK_INT(ib_scan_path(&list, at(dir, path, sizeof(path)), &scan, err,
                           sizeof(err)),
              0);
    ib_list_finish(&list);
    struct ib_batch_hooks hooks = {seen,    on_file,   NULL,
                                   on_plan, on_orphan, NULL};
    struct ib_batch_workers fake = {w, prepare, run_worker};
    struct ib_batch *b = ib_batch_new(st, &hooks, &fake, workers_now);
    ib_batch_run(b, &list, result);
    ib_batch_free(b);
    ib_list_free(&list);
}

static struct ib_rendition rendition;

static void settings(struct ib_settings *s, int jobs)
{
    ib_settings_defaults(s);
    ib_rendition_defaults(&rendition);
    s->renditions = &rendition;
    s->nrenditions = 1;
    s->jobs = jobs;
    s->timeout_s = 10;
}

/* ---- the cases --------------------------------------------------------- */

static void every_entry_once(void)
{
    write_file("one/a.jpg", "ok");
    write_file("one/b.jpg", "fail:VipsJpeg: Premature end of input file");
    write_file("one/c.jpg", "crash");
    write_file("one/d.jpg", "ok");
    write_file("one/sub/e.jpg", "ok");
    struct ib_settings s;
    settings(&s, 2);
    struct workers w = {0};
    struct seen seen;
    struct ib_batch_result r;
    run_batch(&s, "one", 2, &w, &seen, &r);
    CHECK_INT(r.end, IB_BATCH_DONE);
    CHECK_INT(seen.n, 5);
    CHECK_INT(r.counts.total, 5);
    CHECK_INT(r.counts.ok, 3);
    CHECK_INT(r.counts.failed, 2);
    expect(&seen, "one/a.jpg", IB_STATUS_OK, "");
    expect(&seen, "one/b.jpg", IB_STATUS_FAILED,
           "VipsJpeg: Premature end of input file");
    expect(&seen, "one/c.jpg", IB_STATUS_FAILED, "worker exited with status 3");
    expect(&seen, "one/sub/e.jpg", IB_STATUS_OK, "");
    CHECK_STR(seen.output[find(&seen, "one/sub/e.jpg")],
              "one/sub/resized_e.jpg");
    CHECK(exists("one/resized_a.jpg"));
    CHECK(exists("one/sub/resized_e.jpg"));
    CHECK(!exists("one/resized_b.jpg"));
}

/* Content that sniffs as a JPEG (sniff.h), for the fake worker to copy. */
#define JPEG_OK "\xff\xd8\xff ok"

/* a.jpg and a.png both become resized_a.webp. When both look readable,
 * neither may have the name: both fail, each naming the other. When one
 * cannot be read, the other keeps the name, and the unreadable one fails
 * with its own reason. */
static void clashes_before_work(void)
{
    write_file("clash/a.jpg", JPEG_OK);
    write_file("clash/a.png", JPEG_OK);
    write_file("clash/b.jpg", JPEG_OK);
    write_file("clash/b.png", "fail:not a PNG file");
    struct ib_settings s;
    settings(&s, 1);
    rendition.format = IB_FMT_WEBP;
    struct workers w = {0};
    struct seen seen;
    struct ib_batch_result r;
    run_batch(&s, "clash", 1, &w, &seen, &r);
    char want[256];
    snprintf(want, sizeof(want), "same output as '%s/clash/a.png'", root);
    expect(&seen, "clash/a.jpg", IB_STATUS_FAILED, want);
    snprintf(want, sizeof(want), "same output as '%s/clash/a.jpg'", root);
    expect(&seen, "clash/a.png", IB_STATUS_FAILED, want);
    CHECK(!exists("clash/resized_a.webp"));
    expect(&seen, "clash/b.jpg", IB_STATUS_OK, "");
    expect(&seen, "clash/b.png", IB_STATUS_FAILED, "not a PNG file");
    CHECK(exists("clash/resized_b.webp"));
}

/* One worker takes the largest file first. */
static void largest_first(void)
{
    write_file("order/small.jpg", "ok");
    write_file("order/large.jpg", "ok......................");
    write_file("order/middle.jpg", "ok..........");
    struct ib_settings s;
    settings(&s, 1);
    struct workers w = {0};
    struct seen seen;
    struct ib_batch_result r;
    run_batch(&s, "order", 1, &w, &seen, &r);
    CHECK_INT(seen.n, 3);
    CHECK_STR(seen.input[0], "order/large.jpg");
    CHECK_STR(seen.input[1], "order/middle.jpg");
    CHECK_STR(seen.input[2], "order/small.jpg");
}

static void update_and_dry_run(void)
{
    write_file("upd/a.jpg", "ok");
    write_file("upd/b.jpg", "ok");
    struct ib_settings s;
    settings(&s, 2);
    s.update = 1;
    struct workers w = {0};
    struct seen seen;
    struct ib_batch_result r;
    run_batch(&s, "upd", 2, &w, &seen, &r);
    CHECK_INT(r.counts.ok, 2);
    run_batch(&s, "upd", 2, &w, &seen, &r);
    CHECK_INT(r.counts.ok, 0);
    expect(&seen, "upd/a.jpg", IB_STATUS_SKIPPED, "up to date");
    CHECK_STR(seen.output[find(&seen, "upd/a.jpg")], "upd/resized_a.jpg");
    /* A changed input is done again; the other stays skipped. */
    char path[512];
    struct timeval tv[2] = {{2000000000, 0}, {2000000000, 0}};
    CHECK(utimes(at("upd/b.jpg", path, sizeof(path)), tv) == 0);
    /* --dry-run says so, starts nothing and changes nothing. */
    s.dry_run = 1;
    run_batch(&s, "upd", 0, &w, &seen, &r);
    CHECK_INT(seen.planned, 1);
    expect(&seen, "upd/b.jpg", IB_STATUS_SKIPPED, "dry run");
    s.dry_run = 0;
    run_batch(&s, "upd", 2, &w, &seen, &r);
    CHECK_INT(r.counts.ok, 1);
    expect(&seen, "upd/b.jpg", IB_STATUS_OK, "");
}

/* Every write failing: after IB_WRITE_FAILURES_TO_STOP in a row the batch
 * stops, and the files it did not try are skipped, with why. */
static void writes_keep_failing(void)
{
    for (int i = 0; i < 12; i++) {
        char rel[64];
        snprintf(rel, sizeof(rel), "full/f%02d.jpg", i);
        write_file(rel, "nospace");
    }
    struct ib_settings s;
    settings(&s, 1);
    struct workers w = {0};
    struct seen seen;
    struct ib_batch_result r;
    run_batch(&s, "full", 1, &w, &seen, &r);
    CHECK_INT(r.end, IB_BATCH_WRITES_FAIL);
    CHECK_STR(r.err, "stopped: every write failed (No space left on device)");
    CHECK_INT(seen.n, 12);
    CHECK_INT(r.counts.failed + r.counts.skipped, 12);
    CHECK(r.counts.failed >= IB_WRITE_FAILURES_TO_STOP);
    CHECK(r.counts.skipped >= 1);
    for (int i = 0; i < seen.n; i++)
        if (seen.status[i] == IB_STATUS_SKIPPED)
            CHECK_STR(seen.error[i], "not tried: writes keep failing (No "
                                     "space left on device)");
}

/* Workers that cannot start: every input is reported, skipped with why. */
static void no_workers(void)
{
    write_file("dead/a.jpg", "ok");
    write_file("dead/b.jpg", "ok");
    struct ib_settings s;
    settings(&s, 2);
    struct workers w = {.fail_prepare = 1};
    struct seen seen;
    struct ib_batch_result r;
    run_batch(&s, "dead", 2, &w, &seen, &r);
    CHECK_INT(r.end, IB_BATCH_NO_WORKERS);
    CHECK_INT(seen.n, 2);
    CHECK_INT(r.counts.skipped, 2);
    expect(&seen, "dead/a.jpg", IB_STATUS_SKIPPED,
           "not tried: workers keep dying at start-up (cannot load the fake "
           "module)");
}

/* --golden: each task names its golden (the output's path below the
 * golden folder), and a golden no output maps to is an orphan. */
static void goldens(void)
{
    write_file("gold/in/a.jpg", "ok");
    write_file("gold/in/sub/b.jpg", "ok");
    write_file("gold/g/resized_a.jpg", "golden");
    write_file("gold/g/stray.jpg", "golden");
    char golden_dir[512], out_dir[512];
    struct ib_settings s;
    settings(&s, 2);
    s.golden_dir = at("gold/g", golden_dir, sizeof(golden_dir));
    s.outdir = at("gold/out", out_dir, sizeof(out_dir));
    s.golden_orphans = 1;
    struct workers w = {0};
    struct seen seen;
    struct ib_batch_result r;
    run_batch(&s, "gold/in", 2, &w, &seen, &r);
    CHECK_INT(r.counts.golden[IB_GOLDEN_MATCH], 1);
    CHECK_INT(r.counts.golden[IB_GOLDEN_MISSING], 1);
    CHECK_INT(r.counts.orphans, 1);
    CHECK_STR(seen.orphan, "gold/g/stray.jpg");
    CHECK(exists("gold/out/sub/resized_b.jpg"));
}

int main(void)
{
    snprintf(root, sizeof(root), "/tmp/imgbatch-batch-XXXXXX");
    CHECK(mkdtemp(root) != NULL);
    every_entry_once();
    clashes_before_work();
    largest_first();
    update_and_dry_run();
    writes_keep_failing();
    no_workers();
    goldens();
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    CHECK(system(cmd) == 0);
    CHECK_DONE();
}
