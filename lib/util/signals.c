/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "imgbatch/signals.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t first_signal;
static volatile sig_atomic_t signal_count;
static int pipe_fds[2] = {-1, -1};

static void on_stop_signal(int sig)
{
    int saved = errno;
    if (!first_signal)
        first_signal = sig;
    signal_count++;
    if (pipe_fds[1] >= 0) {
        char c = 1;
        ssize_t ignored = write(pipe_fds[1], &c, 1);
        (void)ignored;
    }
    errno = saved;
}

static int set_flags(int fd)
{
    int fl = fcntl(fd, F_GETFL);
    if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
        return -1;
    return fcntl(fd, F_SETFD, FD_CLOEXEC);
}

int ib_signals_install(void)
{
    if (pipe_fds[0] < 0) {
        if (pipe(pipe_fds) != 0)
            return -1;
        if (set_flags(pipe_fds[0]) || set_flags(pipe_fds[1]))
            return -1;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: a blocking call returns EINTR and the loop looks. */
    if (sigaction(SIGINT, &sa, NULL) || sigaction(SIGTERM, &sa, NULL))
        return -1;
    sa.sa_handler = SIG_IGN;
    return sigaction(SIGPIPE, &sa, NULL);
}

int ib_signals_fd(void)
{
    return pipe_fds[0];
}

void ib_signals_drain(void)
{
    char buf[64];
    if (pipe_fds[0] < 0)
        return;
    while (read(pipe_fds[0], buf, sizeof(buf)) > 0)
        ;
}

int ib_signals_stop(void)
{
    return first_signal;
}

int ib_signals_count(void)
{
    return signal_count;
}

void ib_signals_reset_in_child(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_DFL;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    /* A worker whose parent is gone gets EPIPE and exits; no signal. */
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    for (int i = 0; i < 2; i++) {
        if (pipe_fds[i] >= 0)
            close(pipe_fds[i]);
        pipe_fds[i] = -1;
    }
}
