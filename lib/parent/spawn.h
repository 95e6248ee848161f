/* SPDX-License-Identifier: MIT */
/* Starting workers: a spawner, a short-lived child of the parent, loads
 * what the workers need once (prepare: the vips module, for the batch),
 * forks them, sends their pids up and exits; the parent, a child
 * subreaper, adopts them. So the parent never loads what workers need
 * (libvips), and the workers share the spawner's loaded pages instead of
 * each touching all of them (fork copies no page-table entries of file
 * mappings it has not written).
 *
 * A worker keeps only stdin, stdout and its pipe ends: fds 3 (tasks in)
 * and 4 (results out), so that EOF on a result pipe means that worker is
 * gone, and as fd 2 the write end of a pipe the parent reads: what a
 * worker writes on stderr (a crashing library's last words) never reaches
 * the user as it is. One forked dormant waits for the START frame (an
 * unneeded one is ended without ever running run). */
#ifndef IMGBATCH_PARENT_SPAWN_H
#define IMGBATCH_PARENT_SPAWN_H

#include <stddef.h>
#include <sys/types.h>

struct ib_spawn_hooks {
    void *ctx;
    /* In the spawner, before it forks: 0, or -1 with the reason in why
     * (no worker is forked). May be NULL. */
    int (*prepare)(void *ctx, char *why, size_t why_len);
    /* In a worker, once adopted (and started, if dormant); must not
     * return. */
    void (*run)(void *ctx, int task_fd, int result_fd);
};

/* One worker to be: its pipes (tasks, results, its stderr), whether it
 * starts dormant, and its pid once forked (-1 when it was not). */
struct ib_birth {
    int task[2], result[2], err[2];
    int dormant;
    pid_t pid;
};

/* Forks n workers through one spawner, which it waits for. The parent's
 * ends of each born worker's pipes stay open in births (task[1],
 * result[0], err[0]; the others are closed); a worker the spawner did not
 * make has pid -1 and its pipes closed. *spawner_status is the spawner's
 * wait status, and why what its prepare said when it failed (else "").
 * 0, or -1 with errno when none could be forked. */
int ib_spawn_group(const struct ib_spawn_hooks *hooks, struct ib_birth *births,
                   int n, int *spawner_status, char *why, size_t why_len);

/* Waits for a child (as waitpid, through EINTR); its wait status. */
int ib_reap(pid_t pid);

/* "killed by SIGSEGV", "worker exited with status 3": how one ended. */
void ib_describe_exit(int wait_status, char *buf, size_t len);

#endif
