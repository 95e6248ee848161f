/* SPDX-License-Identifier: MIT */
/* Starting workers (spawn.h). */
#define _GNU_SOURCE
#include "spawn.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "imgbatch/buf.h"
#include "imgbatch/fdio.h"
#include "imgbatch/proto.h"
#include "imgbatch/signals.h"

/* ---- how a worker ended ------------------------------------------------ */

static const char *signal_name(int sig)
{
    static const struct {
        int sig;
        const char *name;
    } names[] = {
        {SIGHUP, "SIGHUP"},   {SIGINT, "SIGINT"},   {SIGQUIT, "SIGQUIT"},
        {SIGILL, "SIGILL"},   {SIGTRAP, "SIGTRAP"}, {SIGABRT, "SIGABRT"},
        {SIGBUS, "SIGBUS"},   {SIGFPE, "SIGFPE"},   {SIGKILL, "SIGKILL"},
        {SIGUSR1, "SIGUSR1"}, {SIGSEGV, "SIGSEGV"}, {SIGUSR2, "SIGUSR2"},
        {SIGPIPE, "SIGPIPE"}, {SIGALRM, "SIGALRM"}, {SIGTERM, "SIGTERM"},
        {SIGXCPU, "SIGXCPU"}, {SIGXFSZ, "SIGXFSZ"}, {SIGSYS, "SIGSYS"},
    };
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (names[i].sig == sig)
            return names[i].name;
    return NULL;
}

void ib_describe_exit(int status, char *buf, size_t len)
{
    if (WIFSIGNALED(status)) {
        const char *name = signal_name(WTERMSIG(status));
        if (name)
            snprintf(buf, len, "killed by %s", name);
        else
            snprintf(buf, len, "killed by signal %d", WTERMSIG(status));
    } else if (WIFEXITED(status)) {
        snprintf(buf, len, "worker exited with status %d", WEXITSTATUS(status));
    } else {
        snprintf(buf, len, "worker ended (wait status %d)", status);
    }
}

int ib_reap(pid_t pid)
{
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    return status;
}

/* ---- in a worker ------------------------------------------------------- */

/* Keeps only stdin/out, the stderr pipe as fd 2 and the two pipe ends,
 * as fds 3 and 4, so no other worker's pipe stays open here (EOF must
 * mean death). */
static void keep_only_worker_fds(int *task_fd, int *result_fd, int err_fd)
{
    int t = fcntl(*task_fd, F_DUPFD, 16);
    int r = fcntl(*result_fd, F_DUPFD, 16);
    if (t < 0 || r < 0 || dup2(err_fd, 2) != 2 || dup2(t, 3) != 3 ||
        dup2(r, 4) != 4)
        _exit(127);
    close_range(5, ~0U, 0);
    *task_fd = 3;
    *result_fd = 4;
}

/* A dormant worker waits here for START, the only frame the parent can
 * have written first; EOF: it was never needed. */
static void wait_for_start(int task_fd)
{
    struct ib_buf want;
    ib_buf_init(&want);
    ib_proto_put_start(&want);
    unsigned char frame[16];
    if (ib_read_all(task_fd, frame, want.len) != 0)
        _exit(0);
    if (memcmp(frame, want.data, want.len) != 0)
        _exit(71);
    ib_buf_free(&want);
}

/* A worker is forked by its spawner and adopted by the parent when the
 * spawner exits. Until then a dying parent would not take it along:
 * PR_SET_PDEATHSIG is armed once the parent is its parent. */
static void wait_for_adoption(pid_t parent, pid_t spawner)
{
    for (;;) {
        pid_t now = getppid();
        if (now == parent)
            break;
        if (now != spawner)
            _exit(0); /* adopted by someone else: the parent is gone */
        struct timespec pause = {0, 100000};
        nanosleep(&pause, NULL);
    }
#ifdef PR_SET_PDEATHSIG
    /* A worker outlives a SIGKILLed parent by no more than this. */
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(0);
#endif
}

static void run_worker(const struct ib_spawn_hooks *hooks,
                       const struct ib_birth *b, pid_t parent, pid_t spawner)
{
    int task_fd = b->task[0], result_fd = b->result[1];
    prctl(PR_SET_NAME, "imgbatch-work");
    keep_only_worker_fds(&task_fd, &result_fd, b->err[1]);
    wait_for_adoption(parent, spawner);
    if (b->dormant)
        wait_for_start(task_fd);
    hooks->run(hooks->ctx, task_fd, result_fd);
    _exit(0);
}

/* ---- the spawner ------------------------------------------------------- */

/* A spawner that cannot prepare sends, where the first pid would go, -1
 * and then why; the parent reads to EOF. */
static void say_why_and_exit(int pids_fd, const char *why)
{
    pid_t none = -1;
    if (ib_write_all(pids_fd, &none, sizeof(none)) == 0)
        ib_write_all(pids_fd, why, strlen(why));
    _exit(70);
}

static void run_spawner(const struct ib_spawn_hooks *hooks,
                        struct ib_birth *births, int n, int pids_fd,
                        pid_t parent)
{
    ib_signals_reset_in_child();
#ifdef PR_SET_PDEATHSIG
    prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    if (getppid() != parent)
        _exit(0);
    prctl(PR_SET_NAME, "imgbatch-spawn");
    char why[512] = "";
    if (hooks->prepare && hooks->prepare(hooks->ctx, why, sizeof(why)) != 0)
        say_why_and_exit(pids_fd, why);
    pid_t spawner = getpid();
    for (int i = 0; i < n; i++) {
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0)
            run_worker(hooks, &births[i], parent, spawner);
        if (ib_write_all(pids_fd, &pid, sizeof(pid)) != 0)
            _exit(0);
    }
    _exit(0);
}

/* ---- in the parent ----------------------------------------------------- */

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

static void close_pipes(struct ib_birth *b)
{
    close_fd(&b->task[0]);
    close_fd(&b->task[1]);
    close_fd(&b->result[0]);
    close_fd(&b->result[1]);
    close_fd(&b->err[0]);
    close_fd(&b->err[1]);
}

static int open_pipes(struct ib_birth *b)
{
    b->task[0] = b->task[1] = b->result[0] = b->result[1] = -1;
    b->err[0] = b->err[1] = -1;
    if (pipe2(b->task, O_CLOEXEC) != 0 || pipe2(b->result, O_CLOEXEC) != 0 ||
        pipe2(b->err, O_CLOEXEC) != 0) {
        int saved = errno;
        close_pipes(b);
        errno = saved;
        return -1;
    }
    return 0;
}

/* Reads the pids the spawner sends, one per birth, until it is done; or
 * -1 and why it could not fork any. */
static void read_pids(int fd, struct ib_birth *births, int n, char *why,
                      size_t why_len)
{
    for (int i = 0; i < n; i++) {
        pid_t pid;
        if (ib_read_all(fd, &pid, sizeof(pid)) != 0)
            return;
        if (pid < 0) {
            size_t got = 0;
            ssize_t k;
            while (got + 1 < why_len &&
                   ((k = read(fd, why + got, why_len - 1 - got)) > 0 ||
                    (k < 0 && errno == EINTR)))
                got += k > 0 ? (size_t)k : 0;
            why[got] = '\0';
            return;
        }
        births[i].pid = pid;
    }
}

/* What the parent keeps of a worker born: its ends of the pipes. */
static void keep_parent_ends(struct ib_birth *b)
{
    if (b->pid <= 0) {
        close_pipes(b);
        return;
    }
    close_fd(&b->task[0]);
    close_fd(&b->result[1]);
    close_fd(&b->err[1]);
}

static void give_up(struct ib_birth *births, int n, int *pids)
{
    int saved = errno;
    for (int i = 0; i < n; i++)
        close_pipes(&births[i]);
    if (pids) {
        close_fd(&pids[0]);
        close_fd(&pids[1]);
    }
    errno = saved;
}

int ib_spawn_group(const struct ib_spawn_hooks *hooks, struct ib_birth *births,
                   int n, int *spawner_status, char *why, size_t why_len)
{
    why[0] = '\0';
    int pids[2] = {-1, -1}, made = 0;
    while (made < n && open_pipes(&births[made]) == 0)
        made++;
    if (made < n || pipe2(pids, O_CLOEXEC) != 0) {
        give_up(births, made, NULL);
        return -1;
    }
#ifdef PR_SET_CHILD_SUBREAPER
    prctl(PR_SET_CHILD_SUBREAPER, 1);
#endif
    /* Nothing buffered in stdio may be written twice. */
    fflush(NULL);
    pid_t parent = getpid(), spawner = fork();
    if (spawner < 0) {
        give_up(births, n, pids);
        return -1;
    }
    if (spawner == 0)
        run_spawner(hooks, births, n, pids[1], parent);
    close_fd(&pids[1]);
    for (int i = 0; i < n; i++)
        births[i].pid = -1;
    read_pids(pids[0], births, n, why, why_len);
    close_fd(&pids[0]);
    *spawner_status = ib_reap(spawner);
    for (int i = 0; i < n; i++)
        keep_parent_ends(&births[i]);
    return 0;
}
