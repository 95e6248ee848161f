/* SPDX-License-Identifier: MIT */
/* A worker process.
 *
 * Design. A worker is forked by the pool and lives for the whole batch, so
 * libvips' start-up cost (module loading, about 0.2 s of CPU) is paid once
 * per worker, not once per file. It reads one TASK frame at a time from its
 * task pipe (fd 3), resizes that one file, and answers with one RESULT frame
 * on its result pipe (fd 4). It writes nothing else anywhere but the
 * output's temp file; the parent owns every message the user sees.
 *
 * A worker has no cleanup to do on exit: the parent removes the temp file of
 * a worker that dies, and _exit() skips atexit handlers and stdio buffers it
 * shares with the parent (inherited through fork).
 *
 * Test hook: IMGBATCH_TEST_FAULT=ACTION:TEXT makes the worker misbehave on
 * every input whose path contains TEXT, so the tests can prove the parent
 * copes: segv (a real SIGSEGV), kill (SIGKILL itself), abort, exit (exit 3
 * without answering), hang (sleep forever), stuck (ignore SIGTERM, then
 * sleep forever), garbage (send a malformed frame, then sleep forever),
 * doublefree (free a block twice: glibc says so on stderr and aborts),
 * midwrite (sleep forever with the output written but not yet in place;
 * resize.c, which matches TEXT in the output path).
 * IMGBATCH_TEST_FAULT=startup makes libvips' start fail in every worker
 * (startup.c), which then says UNABLE, with why, instead of READY. */
#define _POSIX_C_SOURCE 200809L
#include "worker.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "imgbatch/buf.h"
#include "imgbatch/fdio.h"
#include "heap.h"
#include "imgbatch/proto.h"
#include "resize.h"
#include "testfault.h"

/* ---- test hook --------------------------------------------------------- */

static void misbehave(const char *action, int result_fd)
{
    if (strcmp(action, "segv") == 0) {
        volatile int *nowhere = NULL;
        *nowhere = 1;
    }
    if (strcmp(action, "kill") == 0)
        raise(SIGKILL);
    if (strcmp(action, "abort") == 0)
        abort();
    if (strcmp(action, "doublefree") == 0) {
        /* volatile: the compiler must not see what happens. */
        char *volatile block = malloc(24);
        free(block);
        free(block);
    }
    if (strcmp(action, "exit") == 0)
        _exit(3);
    if (strcmp(action, "chatty") == 0) {
        /* Four pipes' worth on stderr, then the file as usual: the
         * parent reads stderr only a tick at a time. */
        char line[64];
        memset(line, 'x', sizeof(line) - 1);
        line[sizeof(line) - 1] = '\n';
        for (int i = 0; i < 4 * 65536 / (int)sizeof(line); i++)
            ib_write_all(2, line, sizeof(line));
        return;
    }
    if (strcmp(action, "stuck") == 0)
        signal(SIGTERM, SIG_IGN);
    if (strcmp(action, "hang") == 0 || strcmp(action, "stuck") == 0)
        for (;;)
            pause();
    if (strcmp(action, "garbage") == 0) {
        /* Then wait to be killed for it: going on would race the parent
         * to write the output of a file it is about to fail. */
        static const unsigned char junk[] = {5, 0, 0, 0, 99, 1, 2, 3, 4};
        ib_write_all(result_fd, junk, sizeof(junk));
        for (;;)
            pause();
    }
}

static void maybe_misbehave(const char *input, int result_fd)
{
    char action[16];
    if (ib_test_fault(input, action, sizeof(action)))
        misbehave(action, result_fd);
}

/* ---- limits ------------------------------------------------------------ */

/* --max-memory: an address-space limit of what the worker has now (libvips
 * and its modules loaded, or ASan's shadow in a sanitizer build) plus the
 * allowance. Over it, libvips' allocations fail and the file fails with
 * "out of memory"; an allocation that glib cannot survive aborts the worker,
 * which costs that file alone. */
static void limit_memory(long long allowance)
{
    if (allowance <= 0)
        return;
    long pages = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (f) {
        if (fscanf(f, "%ld", &pages) != 1)
            pages = 0;
        fclose(f);
    }
    rlim_t now = (rlim_t)pages * (rlim_t)sysconf(_SC_PAGESIZE);
    struct rlimit rl = {now + (rlim_t)allowance, now + (rlim_t)allowance};
    setrlimit(RLIMIT_AS, &rl);
}

/* ---- the pipes --------------------------------------------------------- */

/* The worker's end of its pipes. The task pipe brings TASK frames, and
 * the GRANT of a CLAIM: a task queued behind the current one may come
 * first, so frames are taken from what was read by type. The frame worked
 * on is copied out: what it decodes to points into it. */
struct channel {
    int task_fd, result_fd;
    struct ib_buf in;    /* read: whole frames, then maybe part of one */
    struct ib_buf frame; /* the last frame taken */
    struct ib_buf out;
    struct ib_msg *msg; /* decoded from frame */
};

/* The first whole frame of type in what was read (reading more as
 * needed), moved into ch->frame and decoded. 0, or -1 at EOF or on a
 * frame that does not decode. */
static int take_frame(struct channel *ch, int type)
{
    for (;;) {
        size_t off = 0, len;
        int found = 0;
        /* (An empty buffer has no data pointer to offset.) */
        while (off < ch->in.len &&
               (found = ib_proto_frame(ch->in.data + off, ch->in.len - off,
                                       &len)) == 1) {
            int t;
            uint64_t id;
            if (ib_proto_peek(ch->in.data + off, len, &t, &id) != 0)
                return -1;
            if (t == type) {
                ib_buf_reset(&ch->frame);
                ib_buf_put(&ch->frame, ch->in.data + off, len);
                memmove(ch->in.data + off, ch->in.data + off + len,
                        ch->in.len - off - len);
                ch->in.len -= len;
                return ib_proto_decode(ch->frame.data, len, ch->msg) ||
                               ch->msg->type != type
                           ? -1
                           : 0;
            }
            off += len;
        }
        unsigned char chunk[4096];
        ssize_t n;
        if (found < 0)
            return -1;
        while ((n = read(ch->task_fd, chunk, sizeof(chunk))) < 0 &&
               errno == EINTR)
            ;
        if (n <= 0)
            return -1;
        ib_buf_put(&ch->in, chunk, (size_t)n);
    }
}

static int send_frame(struct channel *ch)
{
    return ib_write_all(ch->result_fd, ch->out.data, ch->out.len);
}

/* What this worker says on stderr from now is about its next task
 * (proto.h). */
static void mark_stderr(void)
{
    static const char mark = IB_SAID_MARK;
    ib_write_all(2, &mark, 1);
}

/* outputs.h's claimer: a CLAIM, then its GRANT. */
static int claim(void *ctx, const struct ib_claim *c, struct ib_grant *g)
{
    struct channel *ch = ctx;
    ib_proto_put_claim(&ch->out, c);
    if (send_frame(ch) != 0 || take_frame(ch, IB_MSG_GRANT) != 0 ||
        ch->msg->grant.id != c->id)
        return -1;
    *g = ch->msg->grant;
    return 0;
}

/* ---- the loop ---------------------------------------------------------- */

/* A worker that cannot start says why (UNABLE) and exits: the parent
 * ends the batch after a few, with the reason. */
static void unable(int result_fd, const char *why)
{
    struct ib_buf frame;
    ib_buf_init(&frame);
    ib_proto_put_unable(&frame, why);
    ib_write_all(result_fd, frame.data, frame.len);
    ib_buf_free(&frame);
    _exit(70);
}

void ib_worker_main(const struct ib_settings *s, int task_fd, int result_fd)
{
    ib_heap_setup();
    char err[512];
    struct ib_resizer *r = ib_resizer_new(s, err, sizeof(err));
    if (!r)
        unable(result_fd, err);
    limit_memory(s->max_memory);
    struct channel ch = {task_fd, result_fd, {0}, {0}, {0}, NULL};
    ch.msg = malloc(sizeof(*ch.msg));
    struct ib_outcome *o = malloc(sizeof(*o));
    if (!ch.msg || !o)
        unable(result_fd, "cannot start: out of memory");
    struct ib_claimer claimer = {&ch, claim};
    ib_proto_put_ready(&ch.out, (uint32_t)getpid());
    mark_stderr();
    int alive = send_frame(&ch) == 0;
    while (alive && take_frame(&ch, IB_MSG_TASK) == 0) {
        /* The task is copied: a CLAIM's GRANT reuses the frame. */
        struct ib_task task = ch.msg->task;
        struct ib_buf frame = ch.frame;
        ib_buf_init(&ch.frame);
        maybe_misbehave(task.input, result_fd);
        ib_resize_input(r, &task, o, &claimer);
        ib_proto_put_result(&ch.out, task.id, o);
        ib_buf_free(&frame);
        mark_stderr();
        alive = send_frame(&ch) == 0;
        ib_heap_give_back();
    }
    /* Freed, though the process ends: valgrind's leak check runs on the
     * workers, and an optimised frame may keep no pointer to them. */
    free(o);
    free(ch.msg);
    ib_buf_free(&ch.in);
    ib_buf_free(&ch.frame);
    ib_buf_free(&ch.out);
    _exit(0);
}
