/* SPDX-License-Identifier: MIT */
/* Claims on output paths, on real files (which of two clashing inputs
 * keeps a name depends on what their first bytes say): clashes block
 * both outputs unless one input cannot be read, an output never replaces
 * an input, a bad name is refused, and names known only once made are
 * claimed while work goes on. */
#define _DEFAULT_SOURCE
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "claims.h"
#include "imgbatch/tempfile.h"

static char root[64];

#define JPEG "\xff\xd8\xff\xe0 jpeg"
#define PNG "\x89PNG\r\n\x1a\n png"

static void write_file(const char *rel, const char *content)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    CHECK(ib_make_parent_dirs(path) == 0);
    CHECK(ib_write_file_atomic(path, content, strlen(content)) == 0);
}

/* The inputs of folder rel, scanned as the command line would. */
static void scan(const char *rel, struct ib_file_list *l)
{
    char path[256], err[128];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    struct ib_scan_options opts = {0};
    ib_list_init(l);
    CHECK_INT(ib_scan_path(l, path, &opts, err, sizeof(err)), 0);
    ib_list_finish(l);
}

/* The index of the entry named rel below root. */
static size_t entry(const struct ib_file_list *l, const char *rel)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].path, path) == 0)
            return i;
    fprintf(stderr, "no entry '%s'\n", rel);
    CHECK(0);
    return 0;
}

static void expect(struct ib_claims *c, const struct ib_file_list *l,
                   const char *rel, int r, enum ib_claim_state want,
                   const char *want_why)
{
    char why[512] = "", full[512];
    CHECK_INT(ib_claims_state(c, entry(l, rel), r, why, sizeof(why)), want);
    if (want_why) {
        snprintf(full, sizeof(full), want_why, root);
        CHECK_STR(why, full);
    }
}

static struct ib_settings settings(struct ib_rendition *r, int n)
{
    struct ib_settings s;
    ib_settings_defaults(&s);
    s.renditions = r;
    s.nrenditions = n;
    return s;
}

static void clashes(void)
{
    write_file("clash/a.jpg", JPEG);
    write_file("clash/a.png", PNG);
    write_file("clash/b.jpg", JPEG);
    write_file("clash/b.png", "not a PNG at all");
    write_file("clash/c.jpg", "garbage");
    write_file("clash/c.png", "garbage too");
    write_file("clash/d.jpg", JPEG);
    struct ib_rendition r;
    ib_rendition_defaults(&r);
    r.format = IB_FMT_WEBP;
    struct ib_settings s = settings(&r, 1);
    struct ib_file_list l;
    scan("clash", &l);
    struct ib_claims *c = ib_claims_new(&s, &l);
    /* Both readable: neither keeps resized_a.webp. */
    expect(c, &l, "clash/a.jpg", 0, IB_CLAIM_BLOCKED,
           "same output as '%s/clash/a.png'");
    expect(c, &l, "clash/a.png", 0, IB_CLAIM_BLOCKED,
           "same output as '%s/clash/a.jpg'");
    /* One unreadable: the readable one keeps it, whichever came first. */
    expect(c, &l, "clash/b.jpg", 0, IB_CLAIM_FREE, NULL);
    expect(c, &l, "clash/b.png", 0, IB_CLAIM_BLOCKED,
           "same output as '%s/clash/b.jpg'");
    expect(c, &l, "clash/c.jpg", 0, IB_CLAIM_BLOCKED, NULL);
    expect(c, &l, "clash/c.png", 0, IB_CLAIM_BLOCKED, NULL);
    expect(c, &l, "clash/d.jpg", 0, IB_CLAIM_FREE, NULL);
    ib_claims_free(c);
    ib_list_free(&l);
}

/* A readable input that comes second takes the name from an unreadable
 * one that came first. */
static void unreadable_first(void)
{
    write_file("first/a.jpg", "truncated");
    write_file("first/a.png", PNG);
    struct ib_rendition r;
    ib_rendition_defaults(&r);
    r.format = IB_FMT_WEBP;
    struct ib_settings s = settings(&r, 1);
    struct ib_file_list l;
    scan("first", &l);
    struct ib_claims *c = ib_claims_new(&s, &l);
    expect(c, &l, "first/a.jpg", 0, IB_CLAIM_BLOCKED,
           "same output as '%s/first/a.png'");
    expect(c, &l, "first/a.png", 0, IB_CLAIM_FREE, NULL);
    ib_claims_free(c);
    ib_list_free(&l);
}

/* With no prefix: c.webp -> c.webp is the input itself; with -f png,
 * d.jpg -> d.png is another input. Both refused, nothing overwritten. */
static void inputs_never_replaced(void)
{
    write_file("inputs/c.webp", "RIFF....WEBP");
    write_file("inputs/d.jpg", JPEG);
    write_file("inputs/d.png", PNG);
    struct ib_rendition r;
    ib_rendition_defaults(&r);
    r.prefix = "";
    struct ib_settings s = settings(&r, 1);
    struct ib_file_list l;
    scan("inputs", &l);
    struct ib_claims *c = ib_claims_new(&s, &l);
    expect(c, &l, "inputs/c.webp", 0, IB_CLAIM_REFUSED,
           "its output would overwrite the input itself");
    ib_claims_free(c);
    r.format = IB_FMT_PNG;
    c = ib_claims_new(&s, &l);
    expect(c, &l, "inputs/d.jpg", 0, IB_CLAIM_REFUSED,
           "its output would overwrite the input '%s/inputs/d.png'");
    expect(c, &l, "inputs/d.png", 0, IB_CLAIM_REFUSED,
           "its output would overwrite the input itself");
    ib_claims_free(c);
    ib_list_free(&l);
}

/* Two renditions of one input with one name: both blocked, each naming
 * the other's variant. */
static void renditions_clash(void)
{
    write_file("two/a.jpg", JPEG);
    struct ib_rendition r[2];
    ib_rendition_defaults(&r[0]);
    ib_rendition_defaults(&r[1]);
    r[0].variant = "small";
    r[1].variant = "large";
    r[0].name = r[1].name = "{stem}.webp";
    struct ib_settings s = settings(r, 2);
    struct ib_file_list l;
    scan("two", &l);
    struct ib_claims *c = ib_claims_new(&s, &l);
    expect(c, &l, "two/a.jpg", 0, IB_CLAIM_BLOCKED,
           "same output as '%s/two/a.jpg' (variant 'large')");
    expect(c, &l, "two/a.jpg", 1, IB_CLAIM_BLOCKED,
           "same output as '%s/two/a.jpg' (variant 'small')");
    ib_claims_free(c);
    ib_list_free(&l);
}

/* A template that makes no usable name for an input is refused for it. */
static void bad_names(void)
{
    write_file("bad/a.jpg", JPEG);
    struct ib_rendition r;
    ib_rendition_defaults(&r);
    r.name = "{dir}";
    struct ib_settings s = settings(&r, 1);
    s.outdir = "out";
    struct ib_file_list l;
    scan("bad", &l);
    struct ib_claims *c = ib_claims_new(&s, &l);
    expect(c, &l, "bad/a.jpg", 0, IB_CLAIM_REFUSED, "the name is empty");
    ib_claims_free(c);
    ib_list_free(&l);
}

/* Names known once made: claimed at run time, first come first served;
 * the same output claiming again (its worker died) keeps it. */
static void late_claims(void)
{
    write_file("late/a.jpg", JPEG);
    write_file("late/b.jpg", JPEG);
    struct ib_rendition r;
    ib_rendition_defaults(&r);
    r.name = "{w}.jpg";
    struct ib_settings s = settings(&r, 1);
    struct ib_file_list l;
    scan("late", &l);
    struct ib_claims *c = ib_claims_new(&s, &l);
    size_t a = entry(&l, "late/a.jpg"), b = entry(&l, "late/b.jpg");
    expect(c, &l, "late/a.jpg", 0, IB_CLAIM_FREE, NULL);
    char path[256], why[512], want[512];
    snprintf(path, sizeof(path), "%s/late/100.jpg", root);
    CHECK_INT(ib_claims_late(c, a, 0, path, why, sizeof(why)), 0);
    CHECK_INT(ib_claims_late(c, a, 0, path, why, sizeof(why)), 0);
    CHECK_INT(ib_claims_late(c, b, 0, path, why, sizeof(why)), -1);
    snprintf(want, sizeof(want), "same output as '%s/late/a.jpg'", root);
    CHECK_STR(why, want);
    snprintf(path, sizeof(path), "%s/late/a.jpg", root);
    CHECK_INT(ib_claims_late(c, b, 0, path, why, sizeof(why)), -1);
    snprintf(want, sizeof(want),
             "its output would overwrite the input "
             "'%s/late/a.jpg'",
             root);
    CHECK_STR(why, want);
    /* Many late names: the table holds them all. */
    for (int i = 0; i < 1000; i++) {
        snprintf(path, sizeof(path), "%s/late/%d.png", root, i);
        CHECK_INT(ib_claims_late(c, b, 0, path, why, sizeof(why)), 0);
    }
    ib_claims_free(c);
    ib_list_free(&l);
}

int main(void)
{
    snprintf(root, sizeof(root), "/tmp/imgbatch-claims-XXXXXX");
    CHECK(mkdtemp(root) != NULL);
    clashes();
    unreadable_first();
    inputs_never_replaced();
    renditions_clash();
    bad_names();
    late_claims();
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    CHECK(system(cmd) == 0);
    CHECK_DONE();
}
