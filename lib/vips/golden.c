/* SPDX-License-Identifier: MIT */
/* Golden checks run in the worker that made the output: it has libvips up
 * and the file in the page cache. Goldens are replaced the way outputs are
 * written: a temp file beside the golden, then rename(), so a golden is
 * never half written. */
#define _POSIX_C_SOURCE 200809L
#include "golden.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "imgbatch/buf.h"
#include "compare.h"
#include "imgbatch/fdio.h"
#include "imgbatch/tempfile.h"

static int copy_fd(int from, int to)
{
    char buf[65536];
    ssize_t n;
    while ((n = read(from, buf, sizeof(buf))) > 0)
        if (ib_write_all(to, buf, (size_t)n) != 0)
            return -1;
    return n < 0 ? -1 : 0;
}

/* Copies the output over the golden, atomically. 0, or -1 with errno. */
static int install_golden(const char *output, const char *golden)
{
    if (ib_make_parent_dirs(golden) != 0)
        return -1;
    int in = open(output, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return -1;
    struct ib_temp tmp;
    int rc = ib_temp_open(&tmp, golden) < 0 ? -1 : copy_fd(in, tmp.fd);
    int err = errno;
    if (rc == 0)
        rc = ib_temp_commit(&tmp, golden, NULL), err = errno;
    else if (tmp.fd >= 0)
        ib_temp_discard(&tmp);
    close(in);
    errno = err;
    return rc;
}

/* --diff-dir: <base>.expected.png, .actual.png, .diff.png and .sbs.png
 * (compare.h). A picture that cannot be written costs the picture only
 * (the page shows what exists). */
static void write_pictures(const struct ib_settings *s, const char *output,
                           const char *golden, const struct ib_comparison *c,
                           const char *base)
{
    if (ib_make_parent_dirs(base) != 0)
        return;
    static const char *const suffixes[4] = {".expected.png", ".actual.png",
                                            ".diff.png", ".sbs.png"};
    struct ib_buf paths[4];
    for (int i = 0; i < 4; i++) {
        ib_buf_init(&paths[i]);
        ib_buf_put_str(&paths[i], base);
        ib_buf_put_str(&paths[i], suffixes[i]);
    }
    struct ib_pictures to = {ib_buf_cstr(&paths[0]), ib_buf_cstr(&paths[1]),
                             ib_buf_cstr(&paths[2]), ib_buf_cstr(&paths[3])};
    char err[256];
    ib_compare_write_pictures(golden, output, &s->tolerance, c, &to, err,
                              sizeof(err));
    for (int i = 0; i < 4; i++)
        ib_buf_free(&paths[i]);
}

static uint32_t thousandths(double excess)
{
    return excess < UINT32_MAX / 1000.0 ? (uint32_t)(excess * 1000.0 + 0.5)
                                        : UINT32_MAX;
}

/* --diff-dir, a missing golden: <base>.actual.png, the output that would
 * become the golden, for the page. */
static void write_actual(const char *output, const char *base)
{
    if (ib_make_parent_dirs(base) != 0)
        return;
    struct ib_buf png;
    ib_buf_init(&png);
    ib_buf_put_str(&png, base);
    ib_buf_put_str(&png, ".actual.png");
    char err[256];
    ib_compare_write_picture(output, ib_buf_cstr(&png), err, sizeof(err));
    ib_buf_free(&png);
}

/* The figures as numbers, for the report: only when pixels were
 * compared (same size). */
static void keep_figures(const struct ib_comparison *c,
                         struct ib_golden_figures *f)
{
    f->known = c->same_size;
    f->max_diff = c->max_diff;
    f->psnr = c->psnr;
    f->fraction = c->fraction;
}

int ib_golden_check(const struct ib_settings *s, const char *output,
                    const char *golden, const char *pictures,
                    struct ib_golden_result *g, char *text, size_t text_len)
{
    struct stat st;
    int exists = stat(golden, &st) == 0;
    struct ib_comparison c;
    char err[512] = "";
    text[0] = '\0';
    g->limit = IB_LIMIT_NONE;
    g->excess = 0;
    memset(&g->figures, 0, sizeof(g->figures));
    if (exists) {
        if (ib_compare_files(golden, output, &s->tolerance, &c, err,
                             sizeof(err)) != 0 &&
            !s->update_golden) {
            snprintf(text, text_len, "cannot compare with golden '%s': %s",
                     golden, err);
            return -1;
        }
        if (!err[0]) {
            ib_comparison_describe(&c, &s->tolerance, text, text_len);
            g->limit = c.failed;
            g->excess = thousandths(ib_comparison_excess(&c, &s->tolerance));
            keep_figures(&c, &g->figures);
        }
    }
    int pass = exists && !err[0] && c.pass;
    if (!s->update_golden) {
        g->verdict = !exists ? IB_GOLDEN_MISSING
                     : pass  ? IB_GOLDEN_MATCH
                             : IB_GOLDEN_MISMATCH;
        if (g->verdict == IB_GOLDEN_MISMATCH && pictures && pictures[0])
            write_pictures(s, output, golden, &c, pictures);
        if (g->verdict == IB_GOLDEN_MISSING && pictures && pictures[0])
            write_actual(output, pictures);
        return 0;
    }
    if (pass) {
        g->verdict = IB_GOLDEN_UNCHANGED;
        return 0;
    }
    if (install_golden(output, golden) != 0) {
        snprintf(text, text_len, "cannot write golden '%s': %s", golden,
                 strerror(errno));
        return -1;
    }
    g->verdict = exists ? IB_GOLDEN_UPDATED : IB_GOLDEN_CREATED;
    return 0;
}
