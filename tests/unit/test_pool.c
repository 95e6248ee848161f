/* SPDX-License-Identifier: MIT */
/* The pool on its own, driven by a fake worker that needs no libvips: each
 * task's input says what the worker does with it (answer, die, hang, talk
 * nonsense), and the hooks record what the pool reports. What is checked
 * is what the batch relies on: every task ends exactly once (done, or
 * lost with the reason), a task queued behind one a worker died on is
 * handed out again, a worker that overruns the timeout is killed, workers
 * that cannot start end the pool, and dormant workers never start when
 * there is no work for them. */
#define _DEFAULT_SOURCE
#include <dirent.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "imgbatch/clock.h"
#include "imgbatch/fdio.h"
#include "imgbatch/proto.h"
#include "imgbatch/signals.h"
#include "pace.h"
#include "pool.h"

#define MAX_TASKS 64

/* What a run of the pool did to each task. */
struct run {
    const char *inputs[MAX_TASKS]; /* what each task tells the worker */
    int ntasks;
    int queue[MAX_TASKS * 2]; /* tasks still to hand out, front first */
    int nqueued;
    int done[MAX_TASKS];     /* answered */
    int lost[MAX_TASKS];     /* lost with a reason */
    int stopped[MAX_TASKS];  /* lost to a stop (no reason) */
    int returned[MAX_TASKS]; /* handed back to be given again */
    char reason[MAX_TASKS][128];
    char said[MAX_TASKS][128]; /* the last line on stderr of a lost one */
    int reject_results;        /* task_done says every result is nonsense */
    int fail_prepare;
    /* "die": workers die before READY; "unable": they say UNABLE first;
     * "noisy": they write on stderr, then die */
    const char *startup;
    const char *marks; /* a folder where started workers leave a file */
    double stop_after; /* > 0: SIGTERM ourselves this long into the run */
    double started;
};

/* ---- the fake worker --------------------------------------------------- */

static void say(int fd, const struct ib_buf *frame)
{
    if (ib_write_all(fd, frame->data, frame->len) != 0)
        _exit(0);
}

static void answer(int fd, uint64_t id)
{
    ib_write_all(2, "", 1); /* IB_SAID_MARK */
    static struct ib_outcome o;
    memset(&o, 0, sizeof(o));
    o.status = IB_STATUS_OK;
    struct ib_buf frame;
    ib_buf_init(&frame);
    ib_proto_put_result(&frame, id, &o);
    say(fd, &frame);
    ib_buf_free(&frame);
}

static void leave_mark(const struct run *r)
{
    if (!r->marks)
        return;
    char path[256];
    snprintf(path, sizeof(path), "%s/%ld", r->marks, (long)getpid());
    FILE *f = fopen(path, "w");
    if (f)
        fclose(f);
}

/* A worker dies holding the next task too: it waits until that one is in
 * its pipe (the parent writes it right after the first, but this process
 * may run between the two writes). */
static void wait_for_next(int task_fd, const struct ib_buf *in, size_t len)
{
    if (in->len > len)
        return;
    struct pollfd p = {.fd = task_fd, .events = POLLIN};
    poll(&p, 1, 2000);
}

/* Whole frames in in after the first, which is len bytes. */
static int frames_after(const struct ib_buf *in, size_t len)
{
    int n = 0;
    size_t off = len, frame;
    while (off < in->len &&
           ib_proto_frame(in->data + off, in->len - off, &frame) == 1) {
        n++;
        off += frame;
    }
    return n;
}

/* A worker dies holding a deep queue: it reads until as many tasks as a
 * deep queue holds are queued behind this one, or for two seconds. */
static void wait_for_deep_queue(int task_fd, struct ib_buf *in, size_t len)
{
    double until = ib_now_seconds() + 2;
    while (frames_after(in, len) < PACE_DEEP - 1 && ib_now_seconds() < until) {
        struct pollfd p = {.fd = task_fd, .events = POLLIN};
        unsigned char chunk[4096];
        ssize_t n;
        if (poll(&p, 1, 100) <= 0)
            continue;
        if ((n = read(task_fd, chunk, sizeof(chunk))) <= 0)
            return;
        ib_buf_put(in, chunk, (size_t)n);
    }
}

static void act(const char *what, int task_fd, int result_fd, uint64_t id,
                struct ib_buf *in, size_t len)
{
    if (strcmp(what, "die") == 0 || strcmp(what, "kill") == 0)
        wait_for_next(task_fd, in, len);
    if (strcmp(what, "die") == 0)
        _exit(3);
    if (strcmp(what, "die-deep") == 0) {
        /* (what points into in, which reading more may move.) */
        wait_for_deep_queue(task_fd, in, len);
        _exit(3);
    }
    if (strcmp(what, "abort") == 0) {
        /* As glibc does on a corrupt heap: words on stderr, then abort. */
        static const char words[] = "early words\nfree(): invalid pointer\n";
        ib_write_all(2, words, sizeof(words) - 1);
        abort();
    }
    if (strcmp(what, "kill") == 0)
        raise(SIGKILL);
    if (strcmp(what, "hang") == 0)
        for (;;)
            pause();
    if (strcmp(what, "garbage") == 0) {
        static const unsigned char junk[] = {5, 0, 0, 0, 99, 1, 2, 3, 4};
        ib_write_all(result_fd, junk, sizeof(junk));
        for (;;)
            pause();
    }
    if (strcmp(what, "chatty") == 0)
        ib_write_all(2, "chatter\n", 8);
    answer(result_fd, strcmp(what, "wrong-id") == 0 ? id + 1000 : id);
}

static void fail_to_start(const char *how, int result_fd)
{
    if (strcmp(how, "unable") == 0) {
        struct ib_buf frame;
        ib_buf_init(&frame);
        ib_proto_put_unable(&frame, "cannot start the fake: no reason");
        say(result_fd, &frame);
    }
    if (strcmp(how, "noisy") == 0) {
        static const char words[] = "cannot open libfake.so\n";
        ib_write_all(2, words, sizeof(words) - 1);
    }
    _exit(70);
}

static void fake_worker(void *ctx, int task_fd, int result_fd)
{
    struct run *r = ctx;
    if (r->startup)
        fail_to_start(r->startup, result_fd);
    leave_mark(r);
    struct ib_buf out, in;
    ib_buf_init(&out);
    ib_buf_init(&in);
    ib_proto_put_ready(&out, (uint32_t)getpid());
    ib_write_all(2, "", 1); /* IB_SAID_MARK */
    say(result_fd, &out);
    size_t len;
    while (ib_proto_read_frame(task_fd, &in, &len) == 0) {
        static struct ib_msg m;
        if (ib_proto_decode(in.data, len, &m) != 0)
            _exit(99);
        act(m.task.input, task_fd, result_fd, m.task.id, &in, len);
        ib_buf_consume(&in, len);
    }
    _exit(0);
}

/* ---- the hooks --------------------------------------------------------- */

static int prepare(void *ctx, char *why, size_t why_len)
{
    struct run *r = ctx;
    if (!r->fail_prepare)
        return 0;
    snprintf(why, why_len, "cannot load the fake module");
    return -1;
}

static int next_task(void *ctx, struct ib_buf *frame)
{
    struct run *r = ctx;
    if (r->nqueued == 0)
        return 0;
    int id = r->queue[0];
    memmove(r->queue, r->queue + 1, sizeof(r->queue[0]) * (size_t)--r->nqueued);
    static struct ib_task t;
    t = (struct ib_task){.id = (uint64_t)id, .input = r->inputs[id]};
    ib_proto_put_task(frame, &t);
    return 1;
}

static size_t remaining(void *ctx)
{
    struct run *r = ctx;
    return (size_t)r->nqueued;
}

static int task_done(void *ctx, uint64_t id, const unsigned char *frame,
                     size_t len)
{
    struct run *r = ctx;
    static struct ib_msg m;
    if (r->reject_results || ib_proto_decode(frame, len, &m) != 0)
        return -1;
    CHECK_INT(m.id, id);
    r->done[id]++;
    return 0;
}

static void task_lost(void *ctx, uint64_t id, pid_t pid, const char *reason,
                      const char *said)
{
    struct run *r = ctx;
    CHECK(pid > 0);
    if (!reason) {
        r->stopped[id]++;
        return;
    }
    r->lost[id]++;
    snprintf(r->reason[id], sizeof(r->reason[id]), "%s", reason);
    snprintf(r->said[id], sizeof(r->said[id]), "%s", said ? said : "");
}

static void task_returned(void *ctx, uint64_t id)
{
    struct run *r = ctx;
    r->returned[id]++;
    r->queue[r->nqueued++] = (int)id;
}

static void tick(void *ctx)
{
    struct run *r = ctx;
    if (r->stop_after > 0 && ib_now_seconds() - r->started >= r->stop_after) {
        r->stop_after = 0;
        raise(SIGTERM);
    }
}

static const struct ib_pool_hooks hooks = {
    .prepare = prepare,
    .worker_main = fake_worker,
    .next_task = next_task,
    .remaining = remaining,
    .task_done = task_done,
    .task_lost = task_lost,
    .task_returned = task_returned,
    .tick = tick,
};

/* Runs the pool over inputs (NULL-terminated) with jobs workers, of
 * which start are forked before the run. */
static enum ib_pool_end run_pool(struct run *r, const char *const *inputs,
                                 int jobs, int start, double timeout, char *err,
                                 size_t err_len)
{
    for (r->ntasks = 0; inputs[r->ntasks]; r->ntasks++) {
        r->inputs[r->ntasks] = inputs[r->ntasks];
        r->queue[r->nqueued++] = r->ntasks;
    }
    struct ib_pool_config cfg = {jobs, timeout, 0.5, jobs + 3};
    struct ib_pool_hooks h = hooks;
    h.ctx = r;
    struct ib_pool *p = ib_pool_new(&cfg, &h);
    ib_pool_start(p, start);
    r->started = ib_now_seconds();
    enum ib_pool_end end = ib_pool_run(p, err, err_len);
    ib_pool_free(p);
    return end;
}

/* Every task ended exactly once: answered, or lost with a reason. */
static void expect_each_once(const struct run *r)
{
    for (int i = 0; i < r->ntasks; i++) {
        if (r->done[i] + r->lost[i] != 1)
            fprintf(stderr, "task %d (%s): done %d, lost %d\n", i, r->inputs[i],
                    r->done[i], r->lost[i]);
        CHECK_INT(r->done[i] + r->lost[i], 1);
    }
}

/* ---- the cases --------------------------------------------------------- */

/* A worker's stderr never reaches ours: the last line it wrote while on
 * the task it died on goes with that task; what it wrote on the file
 * before is dropped. */
static void a_crash_keeps_its_last_words(void)
{
    static const char *const inputs[] = {"chatty", "abort", "c", NULL};
    struct run r = {0};
    char err[256] = "";
    CHECK_INT(run_pool(&r, inputs, 1, 1, 0, err, sizeof(err)), IB_POOL_DONE);
    expect_each_once(&r);
    CHECK_INT(r.done[0], 1);
    CHECK_STR(r.reason[1], "killed by SIGABRT");
    CHECK_STR(r.said[1], "free(): invalid pointer");
    CHECK_INT(r.done[2], 1);
    /* One that dies without a word: the one before's are not its own. */
    static const char *const silent[] = {"chatty", "kill", "c", NULL};
    struct run k = {0};
    CHECK_INT(run_pool(&k, silent, 1, 1, 0, err, sizeof(err)), IB_POOL_DONE);
    CHECK_STR(k.reason[1], "killed by SIGKILL");
    CHECK_STR(k.said[1], "");
}

static void all_answered(void)
{
    static const char *const inputs[] = {"a", "b", "c", "d", "e", "f",
                                         "g", "h", "i", "j", NULL};
    struct run r = {0};
    char err[256] = "";
    CHECK_INT(run_pool(&r, inputs, 2, 2, 0, err, sizeof(err)), IB_POOL_DONE);
    expect_each_once(&r);
    for (int i = 0; i < r.ntasks; i++)
        CHECK_INT(r.done[i], 1);
}

/* One worker: it holds the dying task and the next one, queued behind.
 * The dying one is lost with how the worker ended; the queued one was
 * never started, so it goes back and a new worker does it. */
static void a_death_returns_the_queued_task(const char *how, const char *reason)
{
    const char *const inputs[] = {how, "queued", "c", "d", NULL};
    struct run r = {0};
    char err[256] = "";
    CHECK_INT(run_pool(&r, inputs, 1, 1, 0, err, sizeof(err)), IB_POOL_DONE);
    expect_each_once(&r);
    CHECK_INT(r.lost[0], 1);
    CHECK_STR(r.reason[0], reason);
    CHECK_INT(r.returned[1], 1);
    CHECK_INT(r.done[1], 1);
    CHECK_INT(r.done[3], 1);
}

/* Quick tasks are handed out deep (pace.h): a worker that dies holding a
 * deep queue costs the task it was on, and every task queued behind it
 * goes back and is done by the next worker. */
static void a_death_returns_a_deep_queue(void)
{
    enum { N = 48, DIES = 24 };
    const char *inputs[N + 1];
    for (int i = 0; i < N; i++)
        inputs[i] = i == DIES ? "die-deep" : "quick";
    inputs[N] = NULL;
    struct run r = {0};
    char err[256] = "";
    CHECK_INT(run_pool(&r, inputs, 1, 1, 0, err, sizeof(err)), IB_POOL_DONE);
    expect_each_once(&r);
    CHECK_INT(r.lost[DIES], 1);
    CHECK_STR(r.reason[DIES], "worker exited with status 3");
    int returned = 0;
    for (int i = 0; i < N; i++)
        returned += r.returned[i];
    CHECK_INT(returned, PACE_DEEP - 1);
    for (int i = DIES + 1; i < DIES + PACE_DEEP; i++)
        CHECK_INT(r.returned[i], 1);
}

static void a_hang_times_out(void)
{
    static const char *const inputs[] = {"hang", "queued", "c", NULL};
    struct run r = {0};
    char err[256] = "";
    double t0 = ib_now_seconds();
    CHECK_INT(run_pool(&r, inputs, 1, 1, 0.3, err, sizeof(err)), IB_POOL_DONE);
    CHECK(ib_now_seconds() - t0 >= 0.3);
    expect_each_once(&r);
    CHECK_STR(r.reason[0], "timed out after 0.3 s");
    CHECK_INT(r.returned[1], 1);
    CHECK_INT(r.done[1], 1);
}

/* Nonsense: a frame that does not parse, a result for a task the worker
 * does not hold, a result the batch cannot read. */
static void nonsense_ends_the_worker(void)
{
    static const char *const garbage[] = {"garbage", "b", NULL};
    struct run r = {0};
    char err[256] = "";
    CHECK_INT(run_pool(&r, garbage, 1, 1, 0, err, sizeof(err)), IB_POOL_DONE);
    expect_each_once(&r);
    CHECK_STR(r.reason[0], "worker sent a malformed message");

    static const char *const wrong[] = {"wrong-id", "b", NULL};
    struct run w = {0};
    CHECK_INT(run_pool(&w, wrong, 1, 1, 0, err, sizeof(err)), IB_POOL_DONE);
    expect_each_once(&w);
    CHECK_STR(w.reason[0], "worker sent a malformed message");

    static const char *const unread[] = {"a", NULL};
    struct run u = {.reject_results = 1};
    CHECK_INT(run_pool(&u, unread, 1, 1, 0, err, sizeof(err)), IB_POOL_DONE);
    CHECK_INT(u.lost[0], 1);
    CHECK_STR(u.reason[0], "worker sent a malformed message");
}

/* Workers that die before READY, or a spawner that cannot prepare: the
 * pool ends instead of spinning, says why, and the task it had fetched
 * ahead goes back. */
static void startup_failures_end_the_pool(void)
{
    static const char *const inputs[] = {"a", "b", NULL};
    struct run r = {.startup = "die"};
    char err[256] = "";
    CHECK_INT(run_pool(&r, inputs, 2, 0, 0, err, sizeof(err)),
              IB_POOL_NO_WORKERS);
    CHECK_STR(err, "workers keep dying at start-up (worker exited with "
                   "status 70)");
    CHECK_INT(r.done[0] + r.done[1] + r.lost[0] + r.lost[1], 0);
    CHECK_INT(r.returned[0], 1); /* the one fetched ahead */
    CHECK_INT(r.nqueued, 2);     /* both are the batch's again */

    /* Each says why when it can: the spawner, the worker (UNABLE), or
     * what the worker wrote on stderr. */
    struct run p = {.fail_prepare = 1};
    CHECK_INT(run_pool(&p, inputs, 2, 0, 0, err, sizeof(err)),
              IB_POOL_NO_WORKERS);
    CHECK_STR(err, "workers keep dying at start-up (cannot load the fake "
                   "module)");
    struct run u = {.startup = "unable"};
    CHECK_INT(run_pool(&u, inputs, 2, 0, 0, err, sizeof(err)),
              IB_POOL_NO_WORKERS);
    CHECK_STR(err, "workers keep dying at start-up (cannot start the fake: "
                   "no reason)");
    struct run n = {.startup = "noisy"};
    CHECK_INT(run_pool(&n, inputs, 2, 0, 0, err, sizeof(err)),
              IB_POOL_NO_WORKERS);
    CHECK_STR(err, "workers keep dying at start-up (worker exited with "
                   "status 70 (cannot open libfake.so))");
}

static int count_files(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    for (struct dirent *e; d && (e = readdir(d));)
        n += e->d_name[0] != '.';
    if (d)
        closedir(d);
    return n;
}

/* Four workers forked before the run, one task: only the first ever
 * starts; the three dormant ones are ended without having run. */
static void dormant_workers_stay_dormant(void)
{
    char marks[] = "/tmp/imgbatch-pool-XXXXXX";
    CHECK(mkdtemp(marks) != NULL);
    static const char *const inputs[] = {"a", NULL};
    struct run r = {.marks = marks};
    char err[256] = "";
    CHECK_INT(run_pool(&r, inputs, 4, 4, 0, err, sizeof(err)), IB_POOL_DONE);
    CHECK_INT(r.done[0], 1);
    CHECK_INT(count_files(marks), 1);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", marks);
    CHECK(system(cmd) == 0);
}

/* A stop signal mid-run: the pool ends interrupted, and each task a
 * worker held is lost without a reason (not the file's fault). */
static void a_stop_loses_what_is_in_flight(void)
{
    static const char *const inputs[] = {"hang", "hang", "c", NULL};
    struct run r = {.stop_after = 0.2};
    char err[256] = "";
    CHECK_INT(run_pool(&r, inputs, 2, 2, 0, err, sizeof(err)),
              IB_POOL_INTERRUPTED);
    CHECK_INT(r.stopped[0], 1);
    CHECK_INT(r.stopped[1], 1);
    CHECK_INT(r.lost[0] + r.lost[1], 0);
}

int main(void)
{
    CHECK(ib_signals_install() == 0);
    all_answered();
    a_death_returns_the_queued_task("die", "worker exited with status 3");
    a_death_returns_the_queued_task("kill", "killed by SIGKILL");
    a_death_returns_a_deep_queue();
    a_hang_times_out();
    nonsense_ends_the_worker();
    startup_failures_end_the_pool();
    a_crash_keeps_its_last_words();
    dormant_workers_stay_dormant();
    a_stop_loses_what_is_in_flight(); /* last: the stop flag stays set */
    CHECK_DONE();
}
