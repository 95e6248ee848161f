/* SPDX-License-Identifier: MIT */
#define _POSIX_C_SOURCE 200809L
#include "progress.h"
#include "imgbatch/clock.h"

#define MIN_INTERVAL 0.1

void progress_init(struct progress *p, FILE *f, int enabled)
{
    p->f = enabled ? f : NULL;
    p->last = 0;
    p->visible = 0;
}

static void format_eta(double seconds, char *buf, size_t len)
{
    long s = (long)(seconds + 0.5);
    if (s >= 3600)
        snprintf(buf, len, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, len, "%ld:%02ld", s / 60, s % 60);
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
    char eta[32] = "-:--";
    if (rate > 0)
        format_eta((double)(c->total - done) / rate, eta, sizeof(eta));
    fprintf(p->f, "\r%zu/%zu done, %zu failed, %.1f files/s, ETA %s\033[K",
            done, c->total, c->failed, rate, eta);
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
