/* SPDX-License-Identifier: MIT */
/* What --version says of libvips (about.h): asked of libvips itself, in
 * the process that runs --version, never in a batch's parent. */
#include "about.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

#include "startup.h"

#define MAX_NAMES 96
#define NAME_LEN 24

struct names {
    char v[MAX_NAMES][NAME_LEN];
    int n;
};

struct loaders {
    struct names on, off;
};

static void add(struct names *l, const char *name)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->v[i], name) == 0)
            return;
    if (l->n < MAX_NAMES)
        snprintf(l->v[l->n++], NAME_LEN, "%s", name);
}

/* "jpegload_source" and "jpegload_buffer" are the loader "jpeg". */
static void *note_loader(void *klass, void *a, void *b)
{
    (void)b;
    struct loaders *l = a;
    const char *nick = VIPS_OBJECT_CLASS(klass)->nickname;
    char name[NAME_LEN];
    snprintf(name, sizeof(name), "%.*s", (int)strcspn(nick, "_"), nick);
    size_t n = strlen(name);
    if (n > 4 && strcmp(name + n - 4, "load") == 0)
        name[n - 4] = '\0';
    int blocked = VIPS_OPERATION_CLASS(klass)->flags & VIPS_OPERATION_BLOCKED;
    add(blocked ? &l->off : &l->on, name);
    return NULL;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* The option that turns a blocked loader on. */
static const char *unblocked_by(const char *name)
{
    if (strcmp(name, "svg") == 0)
        return "--allow-svg";
    if (strcmp(name, "pdf") == 0)
        return "--allow-pdf";
    return "--allow-untrusted";
}

static size_t put(char *buf, size_t len, size_t at, const char *fmt,
                  const char *s)
{
    if (at < len)
        at += (size_t)snprintf(buf + at, len - at, fmt, s);
    return at;
}

/* "loaders off: pdf (--allow-pdf), svg (--allow-svg), analyze fits ...
 * (--allow-untrusted)": the vector formats by name, then the untrusted. */
static size_t put_off(const struct names *off, char *buf, size_t len, size_t at)
{
    at = put(buf, len, at, "%s", "loaders off:");
    const char *sep = " ";
    for (int i = 0; i < off->n; i++)
        if (strcmp(unblocked_by(off->v[i]), "--allow-untrusted") != 0) {
            at = put(buf, len, at, "%s", sep);
            at = put(buf, len, at, "%s", off->v[i]);
            at = put(buf, len, at, " (%s)", unblocked_by(off->v[i]));
            sep = ", ";
        }
    int untrusted = 0;
    for (int i = 0; i < off->n; i++)
        if (strcmp(unblocked_by(off->v[i]), "--allow-untrusted") == 0) {
            at = put(buf, len, at, "%s", untrusted++ ? " " : sep);
            at = put(buf, len, at, "%s", off->v[i]);
        }
    if (untrusted)
        at = put(buf, len, at, "%s", " (--allow-untrusted)");
    return put(buf, len, at, "%s", off->n ? "\n" : " none\n");
}

int ib_vips_about(const struct ib_loaders *policy, char *buf, size_t len)
{
    /* Every module loaded, then the policy applied: a loader the policy
     * blocks is listed as off, not left out. */
    static const struct ib_loaders all = {1, 1, 1};
    char err[512];
    struct ib_vips *v = ib_vips_start(&all, 1, err, sizeof(err));
    if (!v) {
        snprintf(buf, len, "%s", err);
        return -1;
    }
    ib_vips_set_policy(policy);
    struct loaders *l = calloc(1, sizeof(*l));
    if (!l) {
        ib_vips_stop(v);
        snprintf(buf, len, "out of memory");
        return -1;
    }
    vips_foreign_map("VipsForeignLoad", note_loader, l, NULL);
    qsort(l->on.v, (size_t)l->on.n, NAME_LEN, by_name);
    qsort(l->off.v, (size_t)l->off.n, NAME_LEN, by_name);
    size_t at = (size_t)snprintf(buf, len,
                                 "libvips %s (imgbatch built against %s)\n"
                                 "loaders on:",
                                 vips_version_string(), VIPS_VERSION);
    for (int i = 0; i < l->on.n; i++)
        at = put(buf, len, at, " %s", l->on.v[i]);
    at = put(buf, len, at, "%s", "\n");
    put_off(&l->off, buf, len, at);
    free(l);
    ib_vips_stop(v);
    return 0;
}
