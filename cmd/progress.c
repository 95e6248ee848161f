/* SPDX-License-Identifier: MIT */
#define _DEFAULT_SOURCE
#include "progress.h"

#include <string.h>
#include <sys/ioctl.h>

#include "imgbatch/clock.h"

#define MIN_INTERVAL 0.1

void progress_init(struct progress *p, FILE *f, int enabled)
{
    p->f = enabled ? f : NULL;
    p->last = 0;
    p->visible = 0;
}

static void format_time(double seconds, char *buf, size_t len)
{
    long s = (long)(seconds + 0.5);
    if (s >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, len, "%ld:%02ld", s / 60, s % 60);
}

/* The terminal's width, asked at every redraw rather than on SIGWINCH: a
 * redraw comes at most ten times a second and the ioctl costs a
 * microsecond, and a handler would have to be kept out of the workers
 * and out of the pool's poll(). 0 when f is not a terminal: no limit. */
static int columns(FILE *f)
{
    struct winsize ws;
    if (ioctl(fileno(f), TIOCGWINSZ, &ws) != 0)
        return 0;
    return ws.ws_col;
}

/* The longest form of the line that fits in width - 1 columns (a line
 * that reaches the last column wraps on some terminals, and every redraw
 * would leave a stale line above): the rate goes first, then the elapsed
 * time, the failures, the ETA; at worst the percentage, cut. */
static void compose(char *line, size_t len, int width, size_t done,
                    size_t total, size_t failed, double rate,
                    const char *elapsed, const char *eta)
{
    int pct = total ? (int)(done * 100 / total) : 100;
    char forms[5][256];
    snprintf(forms[0], sizeof(forms[0]),
             "%zu/%zu done (%d%%), %zu failed, %.1f files/s, %s elapsed, "
             "ETA %s",
             done, total, pct, failed, rate, elapsed, eta);
    snprintf(forms[1], sizeof(forms[1]),
             "%zu/%zu done (%d%%), %zu failed, %s elapsed, ETA %s", done, total,
             pct, failed, elapsed, eta);
    snprintf(forms[2], sizeof(forms[2]), "%zu/%zu (%d%%), %zu failed, ETA %s",
             done, total, pct, failed, eta);
    snprintf(forms[3], sizeof(forms[3]), "%zu/%zu (%d%%) ETA %s", done, total,
             pct, eta);
    snprintf(forms[4], sizeof(forms[4]), "%d%%", pct);
    for (int i = 0; i < 5; i++)
        if (width <= 0 || (int)strlen(forms[i]) < width) {
            snprintf(line, len, "%s", forms[i]);
            return;
        }
    snprintf(line, len, "%.*s", width > 1 ? width - 1 : 0, forms[4]);
}

void progress_update(struct progress *p, const struct ib_batch_counts *c)
{
    if (!p->f)
        return;
    double now = ib_now_seconds();
    if (now - p->last < MIN_INTERVAL)
        return;
    p->last = now;
    size_t done = c->ok + c->failed + c->skipped;
    double rate = c->seconds > 0 ? (double)done / c->seconds : 0;
    char eta[32] = "-:--", elapsed[32], line[256];
    if (rate > 0)
        format_time((double)(c->total - done) / rate, eta, sizeof(eta));
    format_time(c->seconds, elapsed, sizeof(elapsed));
    compose(line, sizeof(line), columns(p->f), done, c->total, c->failed, rate,
            elapsed, eta);
    fprintf(p->f, "\r%s\033[K", line);
    fflush(p->f);
    p->visible = 1;
}

void progress_clear(struct progress *p)
{
    if (!p->f || !p->visible)
        return;
    fputs("\r\033[K", p->f);
    fflush(p->f);
    p->visible = 0;
}
