/* SPDX-License-Identifier: MIT */
/* The loader policy against libvips' own flags: in a worker's libvips,
 * with every module libvips has loaded (a VIPSHOME set, where libvips
 * loads them all itself), every loader class libvips flags
 * VIPS_OPERATION_UNTRUSTED is blocked unless --allow-untrusted, SVG and
 * PDF unless their own options, and no other loader is. No list of names:
 * the classes and their flags are libvips'. Each policy is tried in a
 * process of its own (libvips starts once per process). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vips/vips.h>

#include "check.h"
#include "startup.h"

struct census {
    const struct ib_loaders *policy;
    int loaders, untrusted, wrong;
};

/* Whether the policy means class c to be blocked. */
static int should_block(const struct ib_loaders *l, VipsOperationClass *c)
{
    const char *name = G_OBJECT_CLASS_NAME(c);
    if (vips_isprefix("VipsForeignLoadSvg", name))
        return !l->allow_svg;
    if (vips_isprefix("VipsForeignLoadPdf", name))
        return !l->allow_pdf;
    return !l->allow_untrusted && (c->flags & VIPS_OPERATION_UNTRUSTED);
}

static void *count_loader(void *item, void *a, void *b)
{
    (void)b;
    struct census *n = a;
    VipsOperationClass *c = VIPS_OPERATION_CLASS(item);
    int blocked = (c->flags & VIPS_OPERATION_BLOCKED) != 0;
    n->loaders++;
    n->untrusted += (c->flags & VIPS_OPERATION_UNTRUSTED) != 0;
    if (blocked != should_block(n->policy, c)) {
        fprintf(stderr, "%s (%s): %s\n", VIPS_OBJECT_CLASS(c)->nickname,
                (c->flags & VIPS_OPERATION_UNTRUSTED) ? "untrusted" : "trusted",
                blocked ? "blocked" : "not blocked");
        n->wrong++;
    }
    return NULL;
}

/* In a child: libvips started as a worker starts it, then every loader
 * checked. Exit status: how many were wrong (99: no untrusted loader
 * seen, which would prove nothing). */
static int census(const struct ib_loaders *policy)
{
    char err[256];
    struct ib_vips *v = ib_vips_start(policy, 1, err, sizeof(err));
    if (!v) {
        fprintf(stderr, "%s\n", err);
        return 98;
    }
    struct census n = {policy, 0, 0, 0};
    vips_foreign_map("VipsForeignLoad", count_loader, &n, NULL);
    ib_vips_stop(v);
    if (n.untrusted == 0)
        return 99;
    return n.wrong < 90 ? n.wrong : 90;
}

static int in_child(const struct ib_loaders *policy)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0)
        _exit(census(policy));
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 100;
}

int main(void)
{
    /* libvips loads every module under its own prefix. */
    setenv("VIPSHOME", IB_VIPS_PREFIX, 1);
    static const struct ib_loaders policies[] = {
        {0, 0, 0}, {1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 1}};
    for (size_t i = 0; i < sizeof(policies) / sizeof(policies[0]); i++)
        CHECK_INT(in_child(&policies[i]), 0);
    CHECK_DONE();
}
