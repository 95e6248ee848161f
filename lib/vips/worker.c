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
 * midwrite (sleep forever with the output written but not yet in place;
 * resize.c, which matches TEXT in the output path).
 * IMGBATCH_TEST_FAULT=startup makes every worker die before READY. */
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
#include "golden.h"
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
    if (strcmp(action, "exit") == 0)
        _exit(3);
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

static void maybe_fail_startup(void)
{
    const char *spec = getenv("IMGBATCH_TEST_FAULT");
    if (spec && strcmp(spec, "startup") == 0)
        _exit(70);
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

/* libvips says "out of memory" with no hint that a limit of ours caused it. */
static void explain_out_of_memory(const struct ib_settings *s,
                                  struct ib_outcome *o)
{
    size_t len = strlen(o->error);
    if (s->max_memory > 0 && strstr(o->error, "out of memory") &&
        len + 32 < sizeof(o->error))
        snprintf(o->error + len, sizeof(o->error) - len,
                 " (over --max-memory %lld MiB)", s->max_memory >> 20);
}

/* ---- the loop ---------------------------------------------------------- */

void ib_worker_main(const struct ib_settings *s, int task_fd, int result_fd)
{
    maybe_fail_startup();
    struct ib_heap heap;
    ib_heap_setup(&heap, s->max_memory <= 0);
    char err[512];
    struct ib_resizer *r = ib_resizer_new(s, err, sizeof(err));
    if (!r)
        _exit(70);
    limit_memory(s->max_memory);
    struct ib_buf in, out;
    ib_buf_init(&in);
    ib_buf_init(&out);
    ib_proto_put_ready(&out, (uint32_t)getpid());
    if (ib_write_all(result_fd, out.data, out.len) != 0)
        _exit(0);

    size_t len;
    while (ib_proto_read_frame(task_fd, &in, &len) == 0) {
        struct ib_msg m;
        if (ib_proto_decode(in.data, len, &m) != 0 || m.type != IB_MSG_TASK)
            _exit(71);
        maybe_misbehave(m.task.input, result_fd);
        struct ib_outcome o;
        ib_resize_file(r, &m.task, &o);
        explain_out_of_memory(s, &o);
        ib_golden_check(s, &m.task, &o);
        ib_proto_put_result(&out, m.task.id, &o);
        ib_buf_consume(&in, len);
        if (ib_write_all(result_fd, out.data, out.len) != 0)
            break;
        ib_heap_give_back(&heap);
    }
    _exit(0);
}
