/* SPDX-License-Identifier: MIT */
/* imgbatch: the command line. It parses options, builds the file list,
 * runs the batch and turns what happened into lines, a report and an exit
 * status. All the work is in lib/. */
#define _DEFAULT_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "compare.h"
#include "exitcodes.h"
#include "imgbatch/batch.h"
#include "imgbatch/clock.h"
#include "imgbatch/outpath.h"
#include "imgbatch/report.h"
#include "imgbatch/scan.h"
#include "imgbatch/shard.h"
#include "imgbatch/signals.h"
#include "imgbatch/tempfile.h"
#include "imgbatch/text.h"
#include "imgbatch/vipsmodule.h"
#include "options.h"
#include "pipe.h"
#include "progress.h"
#include "watch.h"

struct run {
    const struct cli *cli;
    /* The vips module: loaded in the pool's spawner, for the workers it
     * forks; never in this process. */
    const struct ib_vips_api *vips;
    struct progress progress;
    struct ib_report report;
    int have_report;
    struct ib_buf line;
    struct pipe *pipe; /* one image from stdin to stdout, or NULL */
    const struct ib_scan_options *scan;
    /* --watch: what the rounds did, as reported (an input up to date is
     * not news), and how the last ended. */
    struct ib_batch_result watched;
    int rounds;
};

/* A path as the user knows it: stdin's temp file is "-". */
static const char *shown(const struct run *r, const char *path)
{
    return r->pipe ? "-" : path;
}

/* ---- lines on stderr --------------------------------------------------- */

/* Prints "imgbatch: 'PATH': TEXT" on one line, whatever PATH holds. */
static void say_about(struct run *r, const char *path, const char *text)
{
    ib_buf_reset(&r->line);
    ib_buf_put_str(&r->line, "imgbatch: '");
    ib_quote_put(&r->line, shown(r, path));
    ib_buf_put_str(&r->line, "': ");
    ib_buf_put_str(&r->line, text);
    ib_buf_putc(&r->line, '\n');
    progress_clear(&r->progress);
    fwrite(r->line.data, 1, r->line.len, stderr);
}

/* With several outputs, a line about one names its variant. */
static const char *variant_of(const struct run *r, int i, char *buf, size_t len)
{
    if (r->cli->settings.nrenditions < 2)
        return "";
    snprintf(buf, len,
             "variant '%s': ", r->cli->settings.renditions[i].variant);
    return buf;
}

static void say_done(struct run *r, const struct ib_entry *e,
                     const struct ib_outcome *o,
                     const struct ib_output_outcome *oo)
{
    char text[128];
    ib_buf_reset(&r->line);
    ib_buf_put_str(&r->line, "imgbatch: '");
    ib_quote_put(&r->line, shown(r, e->path));
    ib_buf_put_str(&r->line, "' -> '");
    ib_quote_put(&r->line, oo->path);
    snprintf(text, sizeof(text), "' (%dx%d -> %dx%d, %.0f ms)\n", o->in_w,
             o->in_h, oo->out_w, oo->out_h, (double)o->usec / 1000.0);
    ib_buf_put_str(&r->line, text);
    progress_clear(&r->progress);
    fwrite(r->line.data, 1, r->line.len, stderr);
}

static const char *golden_word(int g)
{
    static const char *const words[] = {
        "", "match", "mismatch", "missing", "created", "updated", "unchanged"};
    return words[g];
}

/* --golden: a mismatch or a missing golden is a line, like a failure. A
 * mismatch names the limit it failed in the words of imgbatch compare. */
static void say_golden(struct run *r, const struct ib_entry *e, int i,
                       const struct ib_output_outcome *oo)
{
    char text[IB_ERROR_MAX + 160], variant[96];
    const char *v = variant_of(r, i, variant, sizeof(variant));
    if (oo->golden == IB_GOLDEN_MISMATCH)
        snprintf(text, sizeof(text), "%sgolden mismatch (%s): %s", v,
                 ib_limit_name(oo->golden_limit), oo->error);
    else if (oo->golden == IB_GOLDEN_MISSING)
        snprintf(text, sizeof(text), "%sno golden for its output", v);
    else if (r->cli->verbose || oo->golden == IB_GOLDEN_CREATED ||
             oo->golden == IB_GOLDEN_UPDATED)
        snprintf(text, sizeof(text), "%sgolden %s%s%s", v,
                 golden_word(oo->golden), oo->error[0] ? ": " : "", oo->error);
    else
        return;
    if (r->cli->quiet && oo->golden != IB_GOLDEN_MISMATCH &&
        oo->golden != IB_GOLDEN_MISSING)
        return;
    say_about(r, e->path, text);
}

/* What became of one output, when it is worth a line. */
static void say_output(struct run *r, const struct ib_entry *e,
                       const struct ib_outcome *o, int i)
{
    const struct ib_output_outcome *oo = &o->outputs[i];
    char text[IB_ERROR_MAX + 128], variant[96];
    const char *v = variant_of(r, i, variant, sizeof(variant));
    if (oo->status == IB_STATUS_FAILED) {
        snprintf(text, sizeof(text), "%s%s", v, oo->error);
        say_about(r, e->path, text);
    } else if (oo->status == IB_STATUS_OK && oo->golden != IB_GOLDEN_NONE) {
        say_golden(r, e, i, oo);
    } else if (r->cli->verbose && oo->status == IB_STATUS_SKIPPED &&
               o->status != IB_STATUS_SKIPPED) {
        snprintf(text, sizeof(text), "%sskipped: %s", v, oo->error);
        say_about(r, e->path, text);
    } else if ((r->cli->verbose || r->cli->settings.watch) && !r->cli->quiet &&
               oo->status == IB_STATUS_OK) {
        say_done(r, e, o, oo);
    }
}

/* --watch: one line per input made; counted for the summary. */
static int watch_news(struct run *r, const struct ib_entry *e,
                      const struct ib_outcome *o)
{
    if (!r->cli->settings.watch)
        return 1;
    if (o->status == IB_STATUS_SKIPPED && e->why == IB_WHY_UP_TO_DATE)
        return 0;
    struct ib_batch_counts *c = &r->watched.counts;
    c->total++;
    c->ok += o->status == IB_STATUS_OK;
    c->failed += o->status == IB_STATUS_FAILED;
    c->skipped += o->status == IB_STATUS_SKIPPED;
    return 1;
}

static void on_file(void *ctx, const struct ib_entry *e,
                    const struct ib_outcome *o)
{
    struct run *r = ctx;
    if (!watch_news(r, e, o))
        return;
    if (r->have_report)
        ib_report_file(&r->report, e, &r->cli->settings, o);
    if (r->pipe && o->noutputs && o->outputs[0].status == IB_STATUS_OK)
        pipe_note_output(r->pipe, o->outputs[0].path);
    if (o->status == IB_STATUS_FAILED && o->noutputs == 0) {
        say_about(r, e->path, o->error);
    } else if (r->cli->verbose && o->status == IB_STATUS_SKIPPED &&
               e->why != IB_WHY_DRY_RUN) {
        /* Under -n, the "would resize" line on stdout is its line. */
        char text[IB_ERROR_MAX + 16];
        snprintf(text, sizeof(text), "skipped: %s", o->error);
        say_about(r, e->path, text);
    }
    for (int i = 0; i < o->noutputs && o->status != IB_STATUS_SKIPPED; i++)
        say_output(r, e, o, i);
}

static void on_tick(void *ctx, const struct ib_batch_counts *c)
{
    struct run *r = ctx;
    progress_update(&r->progress, c);
    if (r->have_report)
        ib_report_flush(&r->report);
}

/* --dry-run: one line on stdout per output that would be made. */
static void on_plan(void *ctx, const struct ib_entry *e, int rendition,
                    const char *output, const char *why)
{
    (void)ctx;
    (void)rendition;
    struct ib_buf b;
    ib_buf_init(&b);
    ib_buf_put_str(&b, "would resize '");
    ib_quote_put(&b, e->path);
    ib_buf_put_str(&b, "' -> '");
    ib_quote_put(&b, output);
    ib_buf_put_str(&b, "' (");
    ib_buf_put_str(&b, why);
    ib_buf_put_str(&b, ")\n");
    fputs(ib_buf_cstr(&b), stdout);
    ib_buf_free(&b);
}

static void on_orphan(void *ctx, const char *golden)
{
    struct run *r = ctx;
    say_about(r, golden,
              r->cli->settings.update_golden
                  ? "golden removed: no input makes it (orphan)"
                  : "golden with no input (orphan)");
    if (r->have_report)
        ib_report_orphan(&r->report, golden);
}

/* --prune: one line per output removed, like a failure (not --quiet). */
static void on_pruned(void *ctx, const char *output, const char *input,
                      const char *reason)
{
    struct run *r = ctx;
    if (r->have_report)
        ib_report_pruned(&r->report, output, input, reason);
    /* A removal is not a failure: --quiet leaves it to the report and the
     * summary. */
    if (r->cli->quiet)
        return;
    struct ib_buf why;
    ib_buf_init(&why);
    if (strcmp(reason, "its input is gone") == 0) {
        ib_buf_put_str(&why, "removed: its input '");
        ib_quote_put(&why, input);
        ib_buf_put_str(&why, "' is gone");
    } else {
        ib_buf_put_str(&why, "removed: ");
        ib_buf_put_str(&why, reason);
    }
    say_about(r, output, ib_buf_cstr(&why));
    ib_buf_free(&why);
}

/* ---- the workers ------------------------------------------------------- */

/* In the pool's spawner, before it forks workers: libvips comes in with
 * the module here. A module that cannot be loaded (a library it needs is
 * missing) fails every worker alike: the pool ends after a few such
 * start-up failures, with why. */
static int load_vips(void *ctx, char *why, size_t why_len)
{
    struct run *r = ctx;
    r->vips = ib_vips_module_load(why, why_len);
    return r->vips ? 0 : -1;
}

static void run_worker(void *ctx, const struct ib_settings *s, int task_fd,
                       int result_fd)
{
    struct run *r = ctx;
    r->vips->worker_main(s, task_fd, result_fd);
}

/* ---- set-up ------------------------------------------------------------ */

static int setup_error(const char *what, const char *path, const char *why)
{
    struct ib_buf b;
    ib_buf_init(&b);
    ib_quote_put(&b, path);
    fprintf(stderr, "imgbatch: %s '%s': %s\n", what, ib_buf_cstr(&b), why);
    ib_buf_free(&b);
    return -1;
}

/* Creates --output if needed; its identity keeps the scan out of it. */
static int prepare_output_dir(const char *dir, struct ib_scan_options *scan)
{
    struct ib_buf probe;
    ib_buf_init(&probe);
    ib_buf_put_str(&probe, dir);
    ib_buf_put_str(&probe, "/x");
    int rc = ib_make_parent_dirs(ib_buf_cstr(&probe));
    ib_buf_free(&probe);
    struct stat st;
    if (rc != 0 || stat(dir, &st) != 0)
        return setup_error("cannot create output directory", dir,
                           strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return setup_error("output", dir, "not a directory");
    scan->avoid_dev = st.st_dev;
    scan->avoid_ino = st.st_ino;
    return 0;
}

/* --files-from: one path per line (or per NUL with -0); empty entries are
 * ignored. A path that cannot be read becomes a failed entry, as below a
 * directory: the list is data, not the command line. */
static int read_file_list(const struct cli *c,
                          const struct ib_scan_options *scan,
                          struct ib_file_list *list)
{
    int from_stdin = strcmp(c->files_from, "-") == 0;
    FILE *f = from_stdin ? stdin : fopen(c->files_from, "r");
    if (!f)
        return setup_error("cannot read", c->files_from, strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    int delim = c->nul_separated ? '\0' : '\n';
    while ((n = getdelim(&line, &cap, delim, f)) > 0) {
        if (line[n - 1] == delim)
            line[--n] = '\0';
        if (n > 0)
            ib_scan_list_entry(list, line, scan);
    }
    int err = ferror(f) ? errno : 0;
    free(line);
    if (!from_stdin)
        fclose(f);
    return err ? setup_error("cannot read", c->files_from, strerror(err)) : 0;
}

static int build_list(const struct cli *c, const struct ib_scan_options *scan,
                      struct ib_file_list *list)
{
    int bad = 0;
    for (int i = 0; i < c->npaths; i++) {
        char why[256];
        if (ib_scan_path(list, c->paths[i], scan, why, sizeof(why)) != 0)
            bad = setup_error("cannot read", c->paths[i], why);
    }
    if (c->files_from && read_file_list(c, scan, list) != 0)
        bad = 1;
    ib_list_finish(list);
    ib_shard_filter(list, &c->settings.shard);
    return bad;
}

static void say_locked(const char *path, double waited)
{
    struct ib_buf b;
    ib_buf_init(&b);
    ib_quote_put(&b, path);
    if (waited > 0)
        fprintf(stderr,
                "imgbatch: '%s' is still locked by another run after %g s: "
                "exiting\n",
                ib_buf_cstr(&b), waited);
    else
        fprintf(stderr, "imgbatch: '%s' is locked by another run: exiting\n",
                ib_buf_cstr(&b));
    ib_buf_free(&b);
}

/* --lock: held (flock) until the process ends; the descriptor is
 * close-on-exec so workers do not keep it past the parent. Another run
 * holding it is waited for up to --lock-wait seconds, polled: flock() has
 * no timeout, and an alarm would have to be undone before the workers
 * fork. Exit 75 says it was held, so --quiet prints nothing: an
 * overlapping cron run must not send mail. */
static int take_lock(const struct cli *c)
{
    int fd = open(c->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return setup_error("cannot open lock", c->lock_path, strerror(errno));
    double wait = c->lock_wait > 0 ? c->lock_wait : 0;
    double deadline = ib_now_seconds() + wait;
    while (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        int err = errno;
        if (err == EWOULDBLOCK && ib_now_seconds() < deadline) {
            nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
            continue;
        }
        close(fd);
        if (err != EWOULDBLOCK)
            return setup_error("cannot lock", c->lock_path, strerror(err));
        if (!c->quiet)
            say_locked(c->lock_path, wait);
        return EXIT_LOCKED;
    }
    return 0;
}

static int open_report(struct run *r)
{
    if (!r->cli->report_path)
        return 0;
    if (ib_report_open(&r->report, r->cli->report_path) != 0)
        return setup_error("cannot write report", r->cli->report_path,
                           strerror(errno));
    r->have_report = 1;
    return 0;
}

/* Whether two descriptors write to one terminal. */
static int same_terminal(int a, int b)
{
    struct stat sa, sb;
    return isatty(a) && isatty(b) && fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
           sa.st_rdev == sb.st_rdev;
}

static int progress_wanted(const struct run *r)
{
    const struct cli *c = r->cli;
    if (c->quiet || c->progress == PROGRESS_NEVER)
        return 0;
    /* Never on the terminal the report writes to (--report -, or
     * /dev/tty): the redraws would cut its lines apart. */
    if (r->have_report && same_terminal(fileno(r->report.f), STDERR_FILENO))
        return 0;
    return c->progress == PROGRESS_ALWAYS || isatty(STDERR_FILENO);
}

/* ---- the end ----------------------------------------------------------- */

static int exit_status(const struct ib_batch_result *b, int report_failed)
{
    if (b->end == IB_BATCH_NO_WORKERS || b->end == IB_BATCH_WRITES_FAIL)
        return EXIT_SETUP;
    if (b->end == IB_BATCH_INTERRUPTED)
        return ib_signals_stop() == SIGTERM ? EXIT_SIGTERM : EXIT_SIGINT;
    const struct ib_batch_counts *c = &b->counts;
    if (c->failed || report_failed || c->golden[IB_GOLDEN_MISMATCH] ||
        c->golden[IB_GOLDEN_MISSING] || c->orphans)
        return EXIT_SOME_FAILED;
    return EXIT_ALL_DONE;
}

static void print_summary(const struct run *r, const struct ib_batch_result *b)
{
    const struct ib_batch_counts *c = &b->counts;
    int interrupted = b->end == IB_BATCH_INTERRUPTED;
    if (r->cli->quiet && !interrupted)
        return;
    if (r->cli->settings.dry_run)
        fprintf(stderr,
                "%zu would resize, %zu failed, %zu skipped in %.1f s (dry run: "
                "nothing changed)\n",
                c->would, c->failed, c->skipped, c->seconds);
    else if (r->cli->settings.prune)
        fprintf(stderr,
                "%zu resized, %zu failed, %zu skipped, %zu pruned in %.1f "
                "s%s\n",
                c->ok, c->failed, c->skipped, c->pruned, c->seconds,
                interrupted ? " (interrupted)" : "");
    else
        fprintf(stderr, "%zu resized, %zu failed, %zu skipped in %.1f s%s\n",
                c->ok, c->failed, c->skipped, c->seconds,
                interrupted ? " (interrupted)" : "");
    const size_t *g = c->golden;
    if (r->cli->settings.update_golden)
        fprintf(stderr, "golden: %zu created, %zu updated, %zu unchanged\n",
                g[IB_GOLDEN_CREATED], g[IB_GOLDEN_UPDATED],
                g[IB_GOLDEN_UNCHANGED]);
    else if (r->cli->settings.golden_dir && b->orphans_unsought)
        /* The page words it alike (diffpage.c). */
        fprintf(stderr,
                "golden: %zu match, %zu mismatch, %zu missing, %zu orphan "
                "(orphans not looked for: %s)\n",
                g[IB_GOLDEN_MATCH], g[IB_GOLDEN_MISMATCH], g[IB_GOLDEN_MISSING],
                c->orphans, b->orphans_unsought);
    else if (r->cli->settings.golden_dir)
        fprintf(stderr,
                "golden: %zu match, %zu mismatch, %zu missing, %zu orphan\n",
                g[IB_GOLDEN_MATCH], g[IB_GOLDEN_MISMATCH], g[IB_GOLDEN_MISSING],
                c->orphans);
}

static int finish(struct run *r, const struct ib_batch_result *b)
{
    progress_clear(&r->progress);
    if (b->end == IB_BATCH_NO_WORKERS || b->end == IB_BATCH_WRITES_FAIL)
        fprintf(stderr, "imgbatch: %s\n", b->err);
    int code = exit_status(b, 0);
    if (b->diff_page_errno) {
        setup_error("cannot write", r->cli->settings.diff_dir,
                    strerror(b->diff_page_errno));
        if (code == EXIT_ALL_DONE)
            code = EXIT_SOME_FAILED;
    }
    if (b->manifest_errno) {
        setup_error("cannot write manifest", r->cli->settings.manifest,
                    strerror(b->manifest_errno));
        if (code == EXIT_ALL_DONE)
            code = EXIT_SOME_FAILED;
    }
    if (b->state_errno) {
        fprintf(stderr, "imgbatch: cannot save the -u state: %s\n",
                strerror(b->state_errno));
        if (code == EXIT_ALL_DONE)
            code = EXIT_SOME_FAILED;
    }
    if (r->have_report) {
        int interrupted = b->end == IB_BATCH_INTERRUPTED;
        ib_report_summary(&r->report, &r->cli->settings, b,
                          interrupted ? ib_signals_stop() : 0, code);
        int err = ib_report_close(&r->report);
        if (err) {
            setup_error("cannot write report", r->cli->report_path,
                        strerror(err));
            code = exit_status(b, 1);
        }
    }
    print_summary(r, b);
    return code;
}

/* --prune looks in the output tree, or beside the inputs without -o. */
static void set_prune_roots(struct cli *c)
{
    struct ib_settings *s = &c->settings;
    if (s->outdir) {
        s->prune_roots = &s->outdir;
        s->nprune_roots = 1;
    } else {
        s->prune_roots = (const char *const *)c->paths;
        s->nprune_roots = c->npaths;
    }
}

/* Workers are forked before the list is made (ib_batch_new): as many as
 * the batch may use. Fewer PATHs than jobs, none a directory and no
 * --files-from: one per PATH. None under -u: a rerun over a tree that has
 * not changed, a cron job's usual run, needs none, and the first is
 * forked when the first file needs one; nor under --dry-run. */
static int workers_to_start(const struct cli *c)
{
    int jobs = c->settings.jobs;
    if (c->settings.dry_run || c->settings.update)
        return 0;
    if (c->files_from || c->npaths >= jobs)
        return jobs;
    for (int i = 0; i < c->npaths; i++) {
        struct stat st;
        if (stat(c->paths[i], &st) == 0 && S_ISDIR(st.st_mode))
            return jobs;
    }
    return c->npaths;
}

/* The names of the run's outputs, which the scan leaves out: one pattern
 * per rendition, in patterns (kept in strings). */
static int output_patterns(const struct cli *c, struct ib_arena *strings,
                           const char **patterns)
{
    struct ib_buf b;
    ib_buf_init(&b);
    int n = 0;
    for (int i = 0; i < c->settings.nrenditions; i++) {
        const char *p = ib_output_pattern(&c->settings.renditions[i], &b);
        if (p)
            patterns[n++] = ib_arena_store(strings, p, strlen(p));
    }
    ib_buf_free(&b);
    return n;
}

/* One batch over the PATHs, made and freed whole: its workers, list and
 * -u state. 0 when it ran, 1 when it ran but --watch held files back (too
 * new), -1 after a set-up error (a PATH that cannot be read, a report
 * that cannot be written). */
static int one_batch(struct run *r, struct ib_batch_result *result)
{
    const struct cli *c = r->cli;
    struct ib_file_list list;
    ib_list_init(&list);
    struct ib_batch_hooks hooks = {r,       on_file,   on_tick,
                                   on_plan, on_orphan, on_pruned};
    struct ib_batch_workers workers = {r, load_vips, run_worker};
    struct ib_batch *batch =
        ib_batch_new(&c->settings, &hooks, &workers, workers_to_start(c));
    int rc = -1;
    /* --watch: a PATH removed after the first round is watched for. */
    if ((build_list(c, r->scan, &list) == 0 || r->rounds > 0) &&
        (r->have_report || open_report(r) == 0)) {
        if (r->rounds++ == 0)
            progress_init(&r->progress, stderr, progress_wanted(r));
        rc = c->settings.watch &&
             watch_hold_unsettled(&list, c->settings.watch_settle) > 0;
        ib_batch_run(batch, &list, result);
    }
    ib_batch_free(batch);
    ib_list_free(&list);
    return rc;
}

/* --watch: a round; the run's result is the rounds' sum. */
static int watch_round(void *ctx)
{
    struct run *r = ctx;
    struct ib_batch_result b;
    int held = one_batch(r, &b);
    if (held < 0)
        return -1;
    struct ib_batch_result *w = &r->watched;
    w->end = b.end;
    snprintf(w->err, sizeof(w->err), "%s", b.err);
    w->state_errno = w->state_errno ? w->state_errno : b.state_errno;
    w->manifest_errno =
        w->manifest_errno ? w->manifest_errno : b.manifest_errno;
    if (b.state_errno)
        fprintf(stderr, "imgbatch: cannot save the -u state: %s\n",
                strerror(b.state_errno));
    return b.end != IB_BATCH_DONE ? -1 : held;
}

static int watch_all(struct run *r)
{
    double start = ib_now_seconds();
    struct watch_hooks hooks = {r, watch_round};
    if (watch_run(r->cli, r->scan, &hooks) != 0 || r->rounds == 0)
        return EXIT_SETUP;
    if (ib_signals_stop())
        r->watched.end = IB_BATCH_INTERRUPTED;
    r->watched.counts.seconds = ib_now_seconds() - start;
    return finish(r, &r->watched);
}

static int run_batch(struct cli *c, struct pipe *pipe)
{
    const char *patterns[IB_MAX_OUTPUTS];
    struct ib_scan_options scan = {
        .recursive = c->recursive,
        .output_patterns = patterns,
        .npatterns = output_patterns(c, &c->strings, patterns),
        .allow_svg = c->settings.loaders.allow_svg,
        .allow_pdf = c->settings.loaders.allow_pdf,
        .allow_untrusted = c->settings.loaders.allow_untrusted,
    };
    /* Workers need the vips module: a missing one is said once, here,
     * before anything is made or forked. */
    char err[1024];
    if (!c->settings.dry_run && ib_vips_module_find(err, sizeof(err)) != 0) {
        fprintf(stderr, "imgbatch: %s\n", err);
        return EXIT_SETUP;
    }
    if (c->settings.outdir && !c->settings.dry_run &&
        prepare_output_dir(c->settings.outdir, &scan))
        return EXIT_SETUP;
    if (c->settings.prune)
        set_prune_roots(c);
    struct run r;
    memset(&r, 0, sizeof(r));
    r.cli = c;
    r.pipe = pipe;
    r.scan = &scan;
    ib_buf_init(&r.line);
    int code = EXIT_SETUP;
    struct ib_batch_result result;
    if (c->settings.watch) {
        code = watch_all(&r);
    } else if (one_batch(&r, &result) >= 0) {
        code = finish(&r, &result);
        if (pipe && code == EXIT_ALL_DONE && pipe_deliver(pipe) != 0)
            code = EXIT_SOME_FAILED;
    }
    ib_buf_free(&r.line);
    return code;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "compare") == 0)
        return compare_main(argc - 1, argv + 1);
    struct cli c;
    enum cli_parse_result parsed = cli_parse(argc, argv, &c);
    if (parsed != CLI_RUN) {
        cli_free(&c);
        return parsed == CLI_EXIT_OK ? EXIT_ALL_DONE : EXIT_SETUP;
    }
    if (c.lock_path) {
        int rc = take_lock(&c);
        if (rc) {
            cli_free(&c);
            return rc == EXIT_LOCKED ? EXIT_LOCKED : EXIT_SETUP;
        }
    }
    /* --watch makes again only what changed, and restarts cheaply. */
    c.settings.update |= c.settings.watch;
    int code = EXIT_SETUP;
    struct pipe pipe;
    int piped = pipe_wanted(&c);
    if (ib_signals_install() != 0)
        fprintf(stderr, "imgbatch: cannot install signal handlers: %s\n",
                strerror(errno));
    else if (!piped || pipe_setup(&c, &pipe) == 0)
        code = run_batch(&c, piped ? &pipe : NULL);
    if (piped)
        pipe_cleanup(&pipe);
    cli_free(&c);
    return code;
}
