/* SPDX-License-Identifier: MIT */
/* The fork pool.
 *
 * Design. The parent (this file) does no image work and never loads libvips:
 * it starts up to `jobs` workers and then runs one poll() loop. Workers are
 * forked by a spawner, a short-lived child that loads what they need (the
 * hooks' prepare: the vips module) and exits; the parent, a child
 * subreaper, adopts them (spawn.h says why). Workers may
 * be forked early (ib_pool_start), before the batch has made its list, so
 * that none holds a copy of it: the first starts at once, the others wait
 * dormant for a START frame, sent when there is work for them (an unneeded
 * one is ended without having started libvips). Each worker
 * owns two pipes: a task pipe (parent writes, worker reads) and a result pipe
 * (worker writes, parent reads). A worker announces READY once it has
 * initialised (libvips starts threads, so it must be initialised after
 * fork(), in the worker), then reads TASK frames one at a time and answers
 * each with one RESULT, in order. A worker holds two tasks: the one it
 * works on and the next, written into its pipe while it works, so that it
 * goes from one file to the next without waiting for the parent (a third
 * process on a machine with as many cores as workers, which it often has
 * to wait for). While files are quick a worker holds more, and the parent
 * lets their results gather before it reads them (pace.h says why and
 * when). The next task is queued only while more tasks are left than
 * there are workers: near the end a file goes to a worker that is free,
 * not behind a big one. A task is chosen when it is handed out, so the
 * parent always knows which files each worker holds.
 *
 * Who owns what: the parent owns the task list (through the hooks), the
 * slots, and the read buffers; a worker owns only its pipes and whatever file
 * it is writing. Frames are small and a worker has at most two in its pipe
 * (or PACE_DEEP of at most PACE_FRAME_MAX bytes), so the parent's writes
 * never block; reads are non-blocking and reassembled per slot.
 *
 * Failure: a worker that dies (EOF on its result pipe), talks nonsense (a
 * frame that does not parse, a frame it had no reason to send, or a result
 * the batch cannot decode) or overruns the per-task timeout (counted from
 * when it started on the task: when it was handed out, or when the task
 * before it was answered) is killed and reaped; the file it was working on
 * is reported lost with the reason, the one queued behind it goes back to
 * the batch to be handed out again, and a new worker is forked when there
 * is work left. Deaths before READY count as start-up failures; enough of
 * them in a row end the pool instead of spinning, with the last one's
 * reason: what the spawner said (it could not load the module), what the
 * worker said (UNABLE: it could not start libvips), or how it ended.
 *
 * A worker's stderr is a pipe the parent reads, never the user's: the last
 * line a worker wrote there while on a task (a crashing library's last
 * words) goes to the batch with that task if the worker dies on it; the
 * rest is dropped. Which task words are about cannot be told from when
 * they arrive (the two pipes are read in either order, stderr only a
 * tick at a time), so the worker writes IB_SAID_MARK on stderr before
 * each READY and RESULT: what comes after the last mark is about the task
 * it is on.
 *
 * Signals: handlers only set a flag and poke the self-pipe (signals.c). On a
 * stop signal the loop stops handing out work, sends SIGTERM to every worker,
 * waits up to a grace period (less after a second signal) and then sends
 * SIGKILL, and tells the batch which tasks were in flight so it can remove
 * their temp files. */
#define _GNU_SOURCE
#include "pool.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "imgbatch/alloc.h"
#include "imgbatch/clock.h"
#include "imgbatch/fdio.h"
#include "imgbatch/proto.h"
#include "imgbatch/signals.h"
#include "imgbatch/text.h"
#include "pace.h"
#include "spawn.h"

#define TICK_SECONDS 0.1

/* SLOT_DORMANT: forked, waiting for START before it starts libvips. */
enum slot_state {
    SLOT_EMPTY,
    SLOT_DORMANT,
    SLOT_STARTING,
    SLOT_IDLE,
    SLOT_BUSY
};

struct slot {
    enum slot_state state; /* SLOT_BUSY: it holds tasks */
    pid_t pid;
    int task_fd;               /* parent writes tasks */
    int result_fd;             /* parent reads results */
    uint64_t tasks[PACE_DEEP]; /* in the order handed out */
    int ntasks;
    double started; /* when it started on tasks[0] */
    struct ib_buf in;
    int err_fd;         /* its stderr, or -1 once at EOF */
    struct ib_buf said; /* the end of it, since it started on tasks[0] */
    char unable[256];   /* why it cannot start (UNABLE), or "" */
};

/* Of what a worker writes on stderr, this much (the end) is kept. */
#define SAID_KEPT 2048

struct ib_pool {
    const struct ib_pool_config *cfg;
    const struct ib_pool_hooks *hooks;
    struct ib_spawn_hooks spawn;
    struct slot *slots;
    int nslots;
    /* For spawn_group: one birth per slot, and the slot it is for. */
    struct ib_birth *births;
    struct slot **birth_slots;
    struct ib_buf frame; /* the next task, fetched ahead */
    struct ib_buf reply; /* an answer to a CLAIM */
    uint64_t frame_id;
    int have_frame;
    int exhausted;
    int startup_failures;
    char last_failure[768];
    double last_tick;
    struct ib_pace pace;
};

/* ---- starting workers -------------------------------------------------- */

static void run_worker(void *ctx, int task_fd, int result_fd)
{
    const struct ib_pool *p = ctx;
    p->hooks->worker_main(p->hooks->ctx, task_fd, result_fd);
}

static int prepare(void *ctx, char *why, size_t why_len)
{
    const struct ib_pool *p = ctx;
    return p->hooks->prepare ? p->hooks->prepare(p->hooks->ctx, why, why_len)
                             : 0;
}

static void take_birth(struct slot *s, const struct ib_birth *b)
{
    fcntl(b->result[0], F_SETFL, O_NONBLOCK);
    fcntl(b->err[0], F_SETFL, O_NONBLOCK);
    s->pid = b->pid;
    s->task_fd = b->task[1];
    s->result_fd = b->result[0];
    s->err_fd = b->err[0];
    s->state = b->dormant ? SLOT_DORMANT : SLOT_STARTING;
    s->unable[0] = '\0';
    ib_buf_reset(&s->in);
    ib_buf_reset(&s->said);
}

/* Forks the n workers of p->births (for p->birth_slots). A worker the
 * spawner could not make counts as a start-up failure. 0, or -1 with
 * errno when none could be forked. */
static int spawn_group(struct ib_pool *p, int n)
{
    int status;
    char why[sizeof(p->last_failure)];
    if (ib_spawn_group(&p->spawn, p->births, n, &status, why, sizeof(why)) != 0)
        return -1;
    for (int i = 0; i < n; i++) {
        if (p->births[i].pid > 0) {
            take_birth(p->birth_slots[i], &p->births[i]);
            continue;
        }
        p->startup_failures++;
        if (why[0])
            snprintf(p->last_failure, sizeof(p->last_failure), "%s", why);
        else
            ib_describe_exit(status, p->last_failure, sizeof(p->last_failure));
    }
    return 0;
}

static void plan_birth(struct ib_pool *p, int i, struct slot *s, int dormant)
{
    p->births[i] = (struct ib_birth){.dormant = dormant};
    p->birth_slots[i] = s;
}

/* ---- ending a worker --------------------------------------------------- */

static void close_slot(struct slot *s)
{
    if (s->task_fd >= 0)
        close(s->task_fd);
    if (s->result_fd >= 0)
        close(s->result_fd);
    if (s->err_fd >= 0)
        close(s->err_fd);
    s->task_fd = s->result_fd = s->err_fd = -1;
    ib_buf_reset(&s->said);
    s->state = SLOT_EMPTY;
    s->pid = 0;
    s->ntasks = 0;
}

/* ---- what a worker says on stderr -------------------------------------- */

/* Keeps what the worker said since its last IB_SAID_MARK, the end of it. */
static void note_said(struct slot *s, const unsigned char *text, size_t n)
{
    const unsigned char *mark = NULL;
    for (size_t i = n; i > 0 && !mark; i--)
        if (text[i - 1] == IB_SAID_MARK)
            mark = text + i - 1;
    if (mark) {
        ib_buf_reset(&s->said);
        n -= (size_t)(mark + 1 - text);
        text = mark + 1;
    }
    ib_buf_put(&s->said, text, n);
    if (s->said.len > SAID_KEPT)
        ib_buf_consume(&s->said, s->said.len - SAID_KEPT);
}

/* Reads what the worker has written on stderr. At EOF (it has exited, or
 * closed it) the pipe is closed. */
static void read_stderr(struct slot *s)
{
    unsigned char chunk[4096];
    ssize_t n;
    while (s->err_fd >= 0 && ((n = read(s->err_fd, chunk, sizeof(chunk))) > 0 ||
                              (n < 0 && errno == EINTR)))
        if (n > 0)
            note_said(s, chunk, (size_t)n);
    if (s->err_fd >= 0 && n == 0) {
        close(s->err_fd);
        s->err_fd = -1;
    }
}

/* The last line that is not blank of what the worker said, into buf
 * (NUL-terminated); NULL when there is none. */
static const char *last_line(const struct ib_buf *said, char *buf, size_t len)
{
    size_t end = said->len;
    while (end > 0 && strchr(" \t\r\n", said->data[end - 1]))
        end--;
    size_t start = end;
    while (start > 0 && said->data[start - 1] != '\n')
        start--;
    if (start == end)
        return NULL;
    size_t n = end - start < len - 1 ? end - start : len - 1;
    memcpy(buf, said->data + start, n);
    buf[n] = '\0';
    return buf;
}

/* A worker that never got to READY: why, with what it said on stderr
 * when it gave no reason of its own (escaped: it goes to the user). */
static void note_startup_failure(struct ib_pool *p, const char *reason,
                                 const char *said)
{
    p->startup_failures++;
    struct ib_buf text;
    ib_buf_init(&text);
    ib_buf_put_str(&text, reason);
    if (said) {
        ib_buf_put_str(&text, " (");
        ib_quote_put(&text, said);
        ib_buf_putc(&text, ')');
    }
    snprintf(p->last_failure, sizeof(p->last_failure), "%s",
             ib_buf_cstr(&text));
    ib_buf_free(&text);
}

/* Why a worker is ended: it failed (died, timed out, talked nonsense), or
 * the batch is stopping. */
enum ending { ENDING_FAILED, ENDING_STOP };

/* The worker in s is gone or must go: kill it if asked, reap it, and
 * account for the tasks it held. A failed one costs the task it was on
 * (reported lost with reason, or how it ended when reason is NULL) and
 * gives back the one queued behind; one that never got READY counts as a
 * start-up failure. On a stop every task it held is lost, without a
 * reason (it was not the file's fault). */
static void end_worker(struct ib_pool *p, struct slot *s, enum ending why,
                       int kill_first, const char *reason)
{
    pid_t pid = s->pid;
    enum slot_state was = s->state;
    uint64_t tasks[PACE_DEEP];
    int ntasks = s->ntasks;
    memcpy(tasks, s->tasks, sizeof(tasks));
    if (kill_first)
        kill(pid, SIGKILL);
    close(s->task_fd);
    s->task_fd = -1;
    int status = ib_reap(pid);
    /* Dead, it can say no more: all it said is in the pipe. */
    read_stderr(s);
    char said[512], unable[sizeof(s->unable)];
    const char *last = last_line(&s->said, said, sizeof(said));
    snprintf(unable, sizeof(unable), "%s", s->unable);
    close_slot(s);
    if (why == ENDING_STOP) {
        for (int i = 0; i < ntasks; i++)
            p->hooks->task_lost(p->hooks->ctx, tasks[i], pid, NULL, NULL);
        return;
    }
    char how[128];
    ib_describe_exit(status, how, sizeof(how));
    if (!reason)
        reason = unable[0] ? unable : how;
    if (was == SLOT_STARTING || was == SLOT_DORMANT) {
        note_startup_failure(p, reason, unable[0] ? NULL : last);
        return;
    }
    if (ntasks > 0)
        p->hooks->task_lost(p->hooks->ctx, tasks[0], pid, reason, last);
    /* Never started on: not the file's fault. There is work again, even
     * if the list had run out. */
    for (int i = 1; i < ntasks; i++) {
        p->hooks->task_returned(p->hooks->ctx, tasks[i]);
        p->exhausted = 0;
    }
}

static void bury(struct ib_pool *p, struct slot *s, int kill_first,
                 const char *reason)
{
    end_worker(p, s, ENDING_FAILED, kill_first, reason);
}

/* ---- handing out work -------------------------------------------------- */

static void fetch_task(struct ib_pool *p)
{
    if (p->have_frame || p->exhausted)
        return;
    int type;
    if (!p->hooks->next_task(p->hooks->ctx, &p->frame)) {
        p->exhausted = 1;
        return;
    }
    if (ib_proto_peek(p->frame.data, p->frame.len, &type, &p->frame_id) != 0 ||
        type != IB_MSG_TASK)
        abort(); /* the batch's own frame: a bug, not a worker's fault */
    p->have_frame = 1;
}

static void hand_out(struct ib_pool *p, struct slot *s)
{
    if (ib_write_all(s->task_fd, p->frame.data, p->frame.len) != 0) {
        /* It died before it could take the task: the task stays ours. */
        bury(p, s, 1, NULL);
        return;
    }
    if (s->ntasks == 0)
        s->started = ib_now_seconds();
    s->tasks[s->ntasks++] = p->frame_id;
    s->state = SLOT_BUSY;
    p->have_frame = 0;
}

static int count_slots(const struct ib_pool *p, enum slot_state state)
{
    int n = 0;
    for (int i = 0; i < p->nslots; i++)
        n += p->slots[i].state == state;
    return n;
}

static int live_workers(const struct ib_pool *p)
{
    return p->nslots - count_slots(p, SLOT_EMPTY);
}

/* Live and not dormant: started, or starting. */
static int awake_workers(const struct ib_pool *p)
{
    return live_workers(p) - count_slots(p, SLOT_DORMANT);
}

static void wake(struct ib_pool *p, struct slot *s)
{
    struct ib_buf start;
    ib_buf_init(&start);
    ib_proto_put_start(&start);
    if (ib_write_all(s->task_fd, start.data, start.len) == 0)
        s->state = SLOT_STARTING;
    else
        bury(p, s, 1, NULL);
    ib_buf_free(&start);
}

/* Keeps as many workers as there is work for, up to jobs: dormant ones
 * are woken first. */
static int spawn_as_needed(struct ib_pool *p, char *err, size_t err_len)
{
    size_t work = (size_t)count_slots(p, SLOT_BUSY) + (size_t)p->have_frame +
                  p->hooks->remaining(p->hooks->ctx);
    for (int i = 0; i < p->nslots && (size_t)awake_workers(p) < work; i++)
        if (p->slots[i].state == SLOT_DORMANT)
            wake(p, &p->slots[i]);
    int n = 0;
    for (int i = 0; i < p->nslots && (size_t)(awake_workers(p) + n) < work; i++)
        if (p->slots[i].state == SLOT_EMPTY)
            plan_birth(p, n++, &p->slots[i], 0);
    if (n == 0 || spawn_group(p, n) == 0)
        return 0;
    if (live_workers(p) > 0)
        return 0; /* carry on with fewer workers */
    snprintf(err, err_len, "cannot start a worker: %s", strerror(errno));
    return -1;
}

/* How many tasks each worker is to hold now: one while no more are left
 * than there are workers to take them (near the end a file goes to a
 * worker that is free, not behind a big one), two, or for quick files
 * more (pace.h). */
static int depth_now(const struct ib_pool *p)
{
    size_t left = p->hooks->remaining(p->hooks->ctx) + (size_t)p->have_frame;
    int workers = awake_workers(p);
    if (left <= (size_t)workers)
        return 1;
    return ib_pace_depth(&p->pace, left, workers);
}

/* Hands out tasks round by round: free workers first, then a second task
 * for each, and so on up to depth_now(). A task is chosen when it is
 * handed out, not before: which file goes next can depend on what the
 * others are working on. */
static void dispatch(struct ib_pool *p)
{
    for (int held = 1; held <= PACE_DEEP; held++)
        for (int i = 0; i < p->nslots; i++) {
            struct slot *s = &p->slots[i];
            if ((s->state != SLOT_IDLE && s->state != SLOT_BUSY) ||
                s->ntasks >= held)
                continue;
            if (held > depth_now(p))
                return;
            fetch_task(p);
            if (!p->have_frame ||
                (held > PACE_SHALLOW && p->frame.len > PACE_FRAME_MAX))
                return;
            hand_out(p, s);
        }
}

/* ---- hearing from workers ---------------------------------------------- */

/* A CLAIM: the batch's answer goes back down the task pipe, where the
 * worker, which waits for it, takes it out from among the tasks queued. */
static int answer_claim(struct ib_pool *p, struct slot *s, uint64_t id,
                        const unsigned char *frame, size_t len)
{
    if (!p->hooks->task_claim ||
        p->hooks->task_claim(p->hooks->ctx, id, frame, len, &p->reply) != 0)
        return -1;
    /* A worker that died meanwhile shows as EOF on its result pipe. */
    ib_write_all(s->task_fd, p->reply.data, p->reply.len);
    return 0;
}

/* UNABLE: why the worker cannot start, for when it has gone (it exits
 * once it has said so). */
static int note_unable(struct slot *s, const unsigned char *frame, size_t len)
{
    struct ib_msg *m = ib_xmalloc(sizeof(*m));
    int rc = ib_proto_decode(frame, len, m);
    if (rc == 0)
        snprintf(s->unable, sizeof(s->unable), "%s", m->why);
    free(m);
    return rc;
}

/* One whole frame from the worker in s: 0, or -1 when it had no reason to
 * send it or the batch cannot read it. */
static int handle_frame(struct ib_pool *p, struct slot *s,
                        const unsigned char *frame, size_t len)
{
    int type;
    uint64_t id;
    if (ib_proto_peek(frame, len, &type, &id) != 0)
        return -1;
    if (type == IB_MSG_READY && s->state == SLOT_STARTING) {
        s->state = SLOT_IDLE;
        p->startup_failures = 0;
        return 0;
    }
    if (type == IB_MSG_UNABLE && s->state == SLOT_STARTING)
        return note_unable(s, frame, len);
    if (type == IB_MSG_CLAIM && s->state == SLOT_BUSY && id == s->tasks[0]) {
        ib_pace_note_claim(&p->pace);
        return answer_claim(p, s, id, frame, len);
    }
    if (type != IB_MSG_RESULT || s->state != SLOT_BUSY || id != s->tasks[0])
        return -1;
    if (p->hooks->task_done(p->hooks->ctx, id, frame, len) != 0)
        return -1;
    /* It is on to the next one, if it has one. */
    s->ntasks--;
    memmove(s->tasks, s->tasks + 1, sizeof(s->tasks[0]) * (size_t)s->ntasks);
    double now = ib_now_seconds();
    ib_pace_note_result(&p->pace, now - s->started);
    s->started = now;
    if (s->ntasks == 0)
        s->state = SLOT_IDLE;
    return 0;
}

/* Handles every whole frame in the slot's buffer. -1 on nonsense. */
static int drain_frames(struct ib_pool *p, struct slot *s)
{
    for (;;) {
        size_t len;
        int found = ib_proto_frame(s->in.data, s->in.len, &len);
        if (found == 0)
            return 0;
        if (found < 0 || handle_frame(p, s, s->in.data, len) != 0)
            return -1;
        ib_buf_consume(&s->in, len);
    }
}

static void read_worker(struct ib_pool *p, struct slot *s)
{
    unsigned char chunk[8192];
    for (;;) {
        ssize_t n = read(s->result_fd, chunk, sizeof(chunk));
        if (n > 0) {
            ib_buf_put(&s->in, chunk, (size_t)n);
            /* A short read emptied the pipe: poll says when there is
             * more (or EOF), which spares a read that fails with EAGAIN
             * per result. */
            if ((size_t)n < sizeof(chunk))
                break;
            continue;
        }
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        /* EOF or a read error: the worker is gone. Use what it sent. */
        if (drain_frames(p, s) != 0)
            bury(p, s, 1, "worker sent a malformed message");
        else
            bury(p, s, 0, NULL);
        return;
    }
    if (drain_frames(p, s) != 0)
        bury(p, s, 1, "worker sent a malformed message");
}

static void check_deadlines(struct ib_pool *p)
{
    if (p->cfg->timeout_s <= 0)
        return;
    double now = ib_now_seconds();
    for (int i = 0; i < p->nslots; i++) {
        struct slot *s = &p->slots[i];
        if (s->state != SLOT_BUSY || now - s->started < p->cfg->timeout_s)
            continue;
        char reason[64];
        snprintf(reason, sizeof(reason), "timed out after %g s",
                 p->cfg->timeout_s);
        bury(p, s, 1, reason);
    }
}

static int poll_timeout_ms(const struct ib_pool *p)
{
    double wait = TICK_SECONDS;
    if (p->cfg->timeout_s > 0) {
        double now = ib_now_seconds();
        for (int i = 0; i < p->nslots; i++) {
            const struct slot *s = &p->slots[i];
            if (s->state != SLOT_BUSY)
                continue;
            double left = s->started + p->cfg->timeout_s - now;
            if (left < wait)
                wait = left;
        }
    }
    return wait <= 0 ? 0 : (int)(wait * 1000) + 1;
}

/* The result pipes of the live workers (owner[i] is fds[i]'s slot), then
 * extra_fd (owner NULL) unless it is -1. Returns how many fds (nslots + 1
 * at most). */
static nfds_t live_pollfds(struct ib_pool *p, struct pollfd *fds,
                           struct slot **owner, int extra_fd)
{
    nfds_t n = 0;
    for (int i = 0; i < p->nslots; i++) {
        struct slot *s = &p->slots[i];
        if (s->state == SLOT_EMPTY)
            continue;
        fds[n] = (struct pollfd){.fd = s->result_fd, .events = POLLIN};
        owner[n++] = s;
    }
    if (extra_fd >= 0) {
        fds[n] = (struct pollfd){.fd = extra_fd, .events = POLLIN};
        owner[n++] = NULL;
    }
    return n;
}

/* The fewest tasks a live worker holds (one starting or idle holds
 * none). */
static int fewest_held(const struct ib_pool *p)
{
    int fewest = PACE_DEEP;
    for (int i = 0; i < p->nslots; i++) {
        const struct slot *s = &p->slots[i];
        if (s->state != SLOT_EMPTY && s->state != SLOT_DORMANT &&
            s->ntasks < fewest)
            fewest = s->ntasks;
    }
    return fewest;
}

/* Quick files: results gather for a while before they are read, a few
 * per worker a wake-up (pace.h). Only a signal ends the wait early; a
 * worker that dies meanwhile is found when it is over. */
static void let_results_gather(struct ib_pool *p)
{
    double wait = ib_pace_gather_s(&p->pace, fewest_held(p));
    double until_deadline = poll_timeout_ms(p) / 1000.0;
    if (wait > until_deadline)
        wait = until_deadline;
    if (wait <= 0)
        return;
    struct pollfd signals = {.fd = ib_signals_fd(), .events = POLLIN};
    struct timespec ts = {0, (long)(wait * 1e9)};
    ppoll(&signals, 1, &ts, NULL);
}

/* Results, and signals. Workers' stderr pipes are not polled: the mark a
 * worker writes before each RESULT would wake the parent and cost it two
 * reads a file. maybe_tick() reads them a tick at a time instead, and a
 * worker that dies has all it said read then (end_worker). */
static void wait_for_events(struct ib_pool *p)
{
    let_results_gather(p);
    struct pollfd fds[p->nslots + 1];
    struct slot *owner[p->nslots + 1];
    nfds_t n = live_pollfds(p, fds, owner, ib_signals_fd());
    int ready = poll(fds, n, poll_timeout_ms(p));
    for (nfds_t i = 0; ready > 0 && i < n; i++) {
        if (!fds[i].revents)
            continue;
        if (!owner[i])
            ib_signals_drain();
        else if (owner[i]->state != SLOT_EMPTY &&
                 fds[i].fd == owner[i]->result_fd)
            read_worker(p, owner[i]);
    }
}

/* Every tick: what the workers said on stderr, and the batch's tick. A
 * pipe holds 64 KiB: a worker stalls on a full one only when it says more
 * than that within a tick, and then for a tick at most (no poll waits
 * longer). */
static void maybe_tick(struct ib_pool *p)
{
    double now = ib_now_seconds();
    if (now - p->last_tick < TICK_SECONDS)
        return;
    p->last_tick = now;
    for (int i = 0; i < p->nslots; i++)
        if (p->slots[i].state != SLOT_EMPTY)
            read_stderr(&p->slots[i]);
    if (p->hooks->tick)
        p->hooks->tick(p->hooks->ctx);
}

/* ---- stopping ---------------------------------------------------------- */

/* Normal end: closing the task pipe is the worker's cue to exit. One still
 * starting was never needed (there was less work than workers started
 * before the list was made): it is not waited for. */
static void retire_all(struct ib_pool *p)
{
    for (int i = 0; i < p->nslots; i++) {
        struct slot *s = &p->slots[i];
        if (s->state == SLOT_EMPTY)
            continue;
        if (s->state == SLOT_STARTING)
            kill(s->pid, SIGKILL);
        /* Nothing it says now is read: it must not wait on a full
         * stderr pipe while we wait for it. */
        pid_t pid = s->pid;
        close_slot(s);
        ib_reap(pid);
    }
}

static int all_gone(const struct ib_pool *p, double deadline)
{
    return live_workers(p) == 0 || ib_now_seconds() >= deadline;
}

/* 1 when the worker's result pipe has reached EOF (it has exited). */
static int reached_eof(struct slot *s)
{
    char sink[4096];
    for (;;) {
        ssize_t n = read(s->result_fd, sink, sizeof(sink));
        if (n > 0 || (n < 0 && errno == EINTR))
            continue;
        return n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK);
    }
}

/* Stop signal: SIGTERM everyone, give them the grace period (cut short by a
 * second signal), then SIGKILL whoever is left. */
static void terminate_all(struct ib_pool *p)
{
    for (int i = 0; i < p->nslots; i++)
        if (p->slots[i].state != SLOT_EMPTY)
            kill(p->slots[i].pid, SIGTERM);
    double deadline = ib_now_seconds() + p->cfg->kill_grace_s;
    int signals_seen = ib_signals_count();
    while (!all_gone(p, deadline) && ib_signals_count() == signals_seen) {
        struct pollfd fds[p->nslots];
        struct slot *owner[p->nslots];
        nfds_t n = live_pollfds(p, fds, owner, -1);
        if (poll(fds, n, 50) <= 0)
            continue;
        for (nfds_t i = 0; i < n; i++)
            if (fds[i].revents && reached_eof(owner[i]))
                end_worker(p, owner[i], ENDING_STOP, 1, NULL);
    }
    for (int i = 0; i < p->nslots; i++)
        if (p->slots[i].state != SLOT_EMPTY)
            end_worker(p, &p->slots[i], ENDING_STOP, 1, NULL);
}

/* ---- the loop ---------------------------------------------------------- */

/* A pool that gives up: the task fetched ahead, which no worker took,
 * goes back to the batch with the others it never started on. */
static void give_back_frame(struct ib_pool *p)
{
    if (p->have_frame)
        p->hooks->task_returned(p->hooks->ctx, p->frame_id);
    p->have_frame = 0;
}

static int finished(struct ib_pool *p)
{
    return p->exhausted && !p->have_frame && count_slots(p, SLOT_BUSY) == 0;
}

static enum ib_pool_end run_loop(struct ib_pool *p, char *err, size_t err_len)
{
    for (;;) {
        if (ib_signals_stop()) {
            terminate_all(p);
            return IB_POOL_INTERRUPTED;
        }
        /* With no worker to ask (or none started yet) and no input left,
         * the end of the list is found here. */
        if (awake_workers(p) == 0 || p->hooks->remaining(p->hooks->ctx) == 0)
            fetch_task(p);
        dispatch(p);
        if (finished(p)) {
            retire_all(p);
            return IB_POOL_DONE;
        }
        if (p->startup_failures >= p->cfg->startup_failures) {
            snprintf(err, err_len, "workers keep dying at start-up (%s)",
                     p->last_failure);
            terminate_all(p);
            give_back_frame(p);
            return IB_POOL_NO_WORKERS;
        }
        if (spawn_as_needed(p, err, err_len) != 0) {
            terminate_all(p);
            give_back_frame(p);
            return IB_POOL_NO_WORKERS;
        }
        wait_for_events(p);
        check_deadlines(p);
        maybe_tick(p);
    }
}

struct ib_pool *ib_pool_new(const struct ib_pool_config *cfg,
                            const struct ib_pool_hooks *hooks)
{
    struct ib_pool *p = ib_xcalloc(1, sizeof(*p));
    p->cfg = cfg;
    p->hooks = hooks;
    p->spawn = (struct ib_spawn_hooks){p, prepare, run_worker};
    p->nslots = cfg->jobs > 0 ? cfg->jobs : 1;
    p->slots = ib_xcalloc((size_t)p->nslots, sizeof(*p->slots));
    p->births = ib_xcalloc((size_t)p->nslots, sizeof(*p->births));
    p->birth_slots = ib_xcalloc((size_t)p->nslots, sizeof(*p->birth_slots));
    for (int i = 0; i < p->nslots; i++) {
        p->slots[i].task_fd = p->slots[i].result_fd = -1;
        p->slots[i].err_fd = -1;
        ib_buf_init(&p->slots[i].in);
        ib_buf_init(&p->slots[i].said);
    }
    ib_buf_init(&p->frame);
    ib_buf_init(&p->reply);
    return p;
}

void ib_pool_start(struct ib_pool *p, int n)
{
    int k = 0, live = live_workers(p);
    for (int i = 0; i < p->nslots && live + k < n; i++)
        if (p->slots[i].state == SLOT_EMPTY) {
            /* The first starts at once, the others wait for work. */
            plan_birth(p, k, &p->slots[i], live + k > 0);
            k++;
        }
    if (k > 0)
        spawn_group(p, k); /* on failure the run tries again */
}

enum ib_pool_end ib_pool_run(struct ib_pool *p, char *err, size_t err_len)
{
    /* Ticks count from the run, not from the early workers' fork. */
    p->last_tick = ib_now_seconds();
    return run_loop(p, err, err_len);
}

void ib_pool_free(struct ib_pool *p)
{
    if (!p)
        return;
    retire_all(p);
    for (int i = 0; i < p->nslots; i++) {
        ib_buf_free(&p->slots[i].in);
        ib_buf_free(&p->slots[i].said);
    }
    free(p->slots);
    free(p->births);
    free(p->birth_slots);
    ib_buf_free(&p->frame);
    ib_buf_free(&p->reply);
    free(p);
}
