/* SPDX-License-Identifier: MIT */
/* --watch (watch.h).
 *
 * Design. Each change is not processed alone: a round is the ordinary
 * batch over the PATHs under -u, which skips what is up to date from
 * stat() and the state file (no worker, no decode), makes what is new or
 * changed, and with --prune removes the outputs of inputs that are gone.
 * So a rename, a removal, a folder made again, or changes missed while
 * imgbatch was down are all handled the same way, and a restart costs one
 * scan. inotify only says when to run a round: after a change, once the
 * PATHs have been quiet for --watch-settle seconds (a copy in progress
 * keeps writing, and is not an image yet). Under changes that never stop,
 * a round runs every MAX_WAIT settles anyway. Whenever a round runs, a
 * file whose mtime is less than a settle old is held back for the next
 * one: the first round too, which may start while files are copied in.
 *
 * Every round's batch is made and freed whole (its workers, list and
 * state), so nothing grows with the number of rounds but the watch list:
 * one entry per folder. Folders are watched as they appear; a PATH that
 * is removed is looked for again at every settle, and watched once it is
 * back. */
#define _GNU_SOURCE
#include "watch.h"

#include <errno.h>
#include <fnmatch.h>
#include <fts.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "imgbatch/alloc.h"
#include "imgbatch/clock.h"
#include "imgbatch/signals.h"

#define MAX_WAIT 10
#define DIR_EVENTS                                                             \
    (IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_DELETE | IN_CREATE |    \
     IN_MODIFY | IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR)

struct watched {
    int wd;
    char *path;
};

struct watcher {
    const struct cli *c;
    const struct ib_scan_options *scan;
    int fd; /* inotify */
    struct watched *v;
    size_t n, cap;
    double changed_at, first_change; /* 0: nothing pending */
};

/* ---- the watch list ---------------------------------------------------- */

static const char *path_of(const struct watcher *w, int wd)
{
    for (size_t i = 0; i < w->n; i++)
        if (w->v[i].wd == wd)
            return w->v[i].path;
    return NULL;
}

/* Watches a folder: 1 when it is newly watched, 0 when it already was
 * (inotify gives the same descriptor), -1 when it cannot be. */
static int add_dir(struct watcher *w, const char *path)
{
    int wd = inotify_add_watch(w->fd, path, DIR_EVENTS);
    if (wd < 0 || path_of(w, wd))
        return wd < 0 ? -1 : 0;
    if (w->n == w->cap) {
        w->cap = w->cap ? 2 * w->cap : 16;
        w->v = ib_xrealloc(w->v, w->cap * sizeof(*w->v));
    }
    w->v[w->n++] = (struct watched){wd, ib_xstrdup(path)};
    return 1;
}

static void forget(struct watcher *w, int wd)
{
    for (size_t i = 0; i < w->n; i++)
        if (w->v[i].wd == wd) {
            free(w->v[i].path);
            w->v[i] = w->v[--w->n];
            return;
        }
}

/* Hidden folders and the output tree are never inputs: not watched. */
static int skipped_dir(const struct watcher *w, const char *path,
                       const struct stat *st)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    return (base[0] == '.' && base[1] && strcmp(base, "..") != 0) ||
           (st->st_dev == w->scan->avoid_dev &&
            st->st_ino == w->scan->avoid_ino);
}

/* A folder and, with -r, the folders below it (symlinked folders not
 * followed, as the scan does). */
static void add_tree(struct watcher *w, const char *path)
{
    if (add_dir(w, path) != 1 || !w->c->recursive)
        return;
    char *roots[] = {(char *)path, NULL};
    FTS *fts = fts_open(roots, FTS_PHYSICAL, NULL);
    FTSENT *e;
    while (fts && (e = fts_read(fts)))
        if (e->fts_info == FTS_D && e->fts_level > 0) {
            if (skipped_dir(w, e->fts_path, e->fts_statp))
                fts_set(fts, e, FTS_SKIP);
            else
                add_dir(w, e->fts_path);
        }
    if (fts)
        fts_close(fts);
}

static void note_change(struct watcher *w)
{
    w->changed_at = ib_now_seconds();
    if (!w->first_change)
        w->first_change = w->changed_at;
}

/* Each PATH: a folder, or a file's folder. One that is gone (removed, or
 * moved away) is watched again once it is back, and looked through. */
static void add_paths(struct watcher *w, int first)
{
    for (int i = 0; i < w->c->npaths; i++) {
        const char *p = w->c->paths[i];
        struct stat st;
        if (stat(p, &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            size_t before = w->n;
            add_tree(w, p);
            if (w->n > before && !first)
                note_change(w);
            continue;
        }
        char *dir = ib_xstrdup(p), *slash = strrchr(dir, '/');
        if (slash)
            *slash = '\0';
        add_dir(w, slash ? (slash == dir ? "/" : dir) : ".");
        free(dir);
    }
}

/* ---- events ------------------------------------------------------------ */

/* Whether a name could be an input: not hidden, an image's extension,
 * not one of our outputs (they change as a round writes them). */
static int could_be_input(const struct watcher *w, const char *name)
{
    if (name[0] == '.' || !ib_scan_has_image_extension(name, w->scan))
        return 0;
    for (int i = 0; i < w->scan->npatterns; i++)
        if (fnmatch(w->scan->output_patterns[i], name, 0) == 0)
            return 0;
    return 1;
}

static void on_event(struct watcher *w, const struct inotify_event *e)
{
    if (e->mask & IN_IGNORED) {
        forget(w, e->wd);
        return;
    }
    const char *dir = path_of(w, e->wd);
    int relevant = e->len && (e->mask & IN_ISDIR || could_be_input(w, e->name));
    if (dir && e->len && (e->mask & IN_ISDIR) &&
        (e->mask & (IN_CREATE | IN_MOVED_TO)) && w->c->recursive) {
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "%s/%s", dir, e->name);
        add_tree(w, path);
    }
    if (relevant || (e->mask & (IN_DELETE_SELF | IN_MOVE_SELF)))
        note_change(w);
}

static void read_events(struct watcher *w)
{
    char buf[16384] __attribute__((aligned(__alignof__(struct inotify_event))));
    ssize_t n;
    while ((n = read(w->fd, buf, sizeof(buf))) > 0)
        for (char *p = buf; p < buf + n;) {
            const struct inotify_event *e = (const void *)p;
            on_event(w, e);
            p += sizeof(*e) + e->len;
        }
}

/* ---- the loop ---------------------------------------------------------- */

static int due(const struct watcher *w, double now)
{
    double settle = w->c->settings.watch_settle;
    return w->first_change &&
           (now - w->changed_at >= settle ||
            now - w->first_change >= MAX_WAIT * (settle > 0.1 ? settle : 0.1));
}

/* Waits for events, a stop signal, or the next look for a lost PATH. */
static void wait_a_while(struct watcher *w)
{
    struct pollfd fds[2] = {{w->fd, POLLIN, 0}, {ib_signals_fd(), POLLIN, 0}};
    double settle = w->c->settings.watch_settle;
    int ms = (int)(settle * 1000 / 4) + 10;
    if (poll(fds, 2, ms) > 0 && (fds[0].revents & POLLIN))
        read_events(w);
}

size_t watch_hold_unsettled(struct ib_file_list *list, double settle)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    long long ns = (long long)now.tv_sec * 1000000000LL + now.tv_nsec;
    long long since = ns - (long long)(settle * 1e9);
    size_t kept = 0;
    /* (A file dated in the future, by a skewed clock, is not held.) */
    for (size_t i = 0; i < list->n; i++) {
        const struct ib_entry *e = &list->v[i];
        if (e->state != IB_ENTRY_INPUT || e->mtime_ns < since ||
            e->mtime_ns > ns + 1000000000LL)
            list->v[kept++] = *e;
    }
    size_t held = list->n - kept;
    list->n = kept;
    return held;
}

static void free_watcher(struct watcher *w)
{
    for (size_t i = 0; i < w->n; i++)
        free(w->v[i].path);
    free(w->v);
    close(w->fd);
}

int watch_run(const struct cli *c, const struct ib_scan_options *scan,
              const struct watch_hooks *hooks)
{
    struct watcher w = {c, scan, -1, NULL, 0, 0, 0, 0};
    w.fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (w.fd < 0) {
        fprintf(stderr, "imgbatch: cannot watch: %s\n", strerror(errno));
        return -1;
    }
    /* Watched before the first round: nothing it misses goes unseen. */
    add_paths(&w, 1);
    int rc = hooks->round(hooks->ctx);
    while (rc >= 0 && !ib_signals_stop()) {
        if (rc == 1)
            note_change(&w);
        wait_a_while(&w);
        add_paths(&w, 0);
        double now = ib_now_seconds();
        if (!due(&w, now) || ib_signals_stop()) {
            rc = 0;
            continue;
        }
        w.changed_at = w.first_change = 0;
        rc = hooks->round(hooks->ctx);
    }
    free_watcher(&w);
    return 0;
}
