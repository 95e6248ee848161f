/* SPDX-License-Identifier: MIT */
/* The scanner on a real directory tree with every awkward kind of
 * entry. Output naming is test_outpath's, clashes test_claims'. */
#define _DEFAULT_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "imgbatch/scan.h"

static char root[64];

static void touch(const char *rel)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0);
    if (fd >= 0)
        close(fd);
}

static void mkdir_rel(const char *rel)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    CHECK(mkdir(path, 0755) == 0);
}

static void symlink_rel(const char *target, const char *rel)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/%s", root, rel);
    CHECK(symlink(target, path) == 0);
}

static void build_tree(void)
{
    snprintf(root, sizeof(root), "/tmp/imgbatch-scan-XXXXXX");
    CHECK(mkdtemp(root) != NULL);
    touch("b.jpg");
    touch("a.JPG");
    touch("c.png");
    touch("z.jpeg");
    touch("-dash.jpg");
    touch("notes.txt");
    touch(".hidden.jpg");
    touch("resized_a.jpg");
    touch(".imgbatch-123.tmp");
    mkdir_rel("sub");
    touch("sub/d.webp");
    mkdir_rel("sub/.hid");
    touch("sub/.hid/e.jpg");
    mkdir_rel("sub/deeper");
    touch("sub/deeper/f.TIF");
    mkdir_rel(".git");
    touch(".git/x.jpg");
    mkdir_rel("a-dir");
    touch("a-dir/g.gif");
    symlink_rel("b.jpg", "link-to-file.jpg");
    symlink_rel("sub", "link-to-dir");
    symlink_rel("nowhere.jpg", "dangling.jpg");
    symlink_rel("loop.jpg", "loop.jpg");
    char fifo[256];
    snprintf(fifo, sizeof(fifo), "%s/fifo.jpg", root);
    CHECK(mkfifo(fifo, 0644) == 0);
}

struct expected {
    const char *rel;
    int state;
    int why;
};

static void expect_list(const struct ib_file_list *l,
                        const struct expected *want, size_t n)
{
    CHECK_INT(l->n, n);
    for (size_t i = 0; i < n && i < l->n; i++) {
        CHECK_STR(ib_entry_rel(&l->v[i]), want[i].rel);
        CHECK_INT(l->v[i].state, want[i].state);
        CHECK_INT(l->v[i].why, want[i].why);
    }
}

static const char *const outputs[] = {"resized_*"};
static const struct ib_scan_options plain = {.output_patterns = outputs,
                                             .npatterns = 1};

static void flat_scan(void)
{
    struct ib_file_list l;
    ib_list_init(&l);
    char err[128];
    CHECK_INT(ib_scan_path(&l, root, &plain, err, sizeof(err)), 0);
    ib_list_finish(&l);
    /* Sorted by bytes; hidden, outputs, temp files, other extensions and
     * symlinked directories left out; odd entries reported. */
    static const struct expected want[] = {
        {"-dash.jpg", IB_ENTRY_INPUT, IB_WHY_NONE},
        {"a.JPG", IB_ENTRY_INPUT, IB_WHY_NONE},
        {"b.jpg", IB_ENTRY_INPUT, IB_WHY_NONE},
        {"c.png", IB_ENTRY_INPUT, IB_WHY_NONE},
        {"dangling.jpg", IB_ENTRY_ERROR, IB_WHY_STAT},
        {"fifo.jpg", IB_ENTRY_ERROR, IB_WHY_NOT_REGULAR},
        {"link-to-file.jpg", IB_ENTRY_INPUT, IB_WHY_NONE},
        {"loop.jpg", IB_ENTRY_ERROR, IB_WHY_STAT},
        {"z.jpeg", IB_ENTRY_INPUT, IB_WHY_NONE},
    };
    expect_list(&l, want, sizeof(want) / sizeof(want[0]));
    char why[128];
    ib_entry_reason(&l.v[7], why, sizeof(why));
    CHECK_STR(why, "Too many levels of symbolic links");
    ib_list_free(&l);
}

static void recursive_scan(void)
{
    struct ib_file_list l;
    ib_list_init(&l);
    struct ib_scan_options opts = plain;
    opts.recursive = 1;
    char err[128];
    CHECK_INT(ib_scan_path(&l, root, &opts, err, sizeof(err)), 0);
    ib_list_finish(&l);
    CHECK_INT(l.n, 12);
    /* "a-dir/g.gif" sorts before "a.JPG" ('-' < '.'): byte order of the
     * whole path, not per directory. */
    CHECK_STR(ib_entry_rel(&l.v[1]), "a-dir/g.gif");
    CHECK_STR(ib_entry_rel(&l.v[2]), "a.JPG");
    CHECK_STR(ib_entry_rel(&l.v[9]), "sub/d.webp");
    CHECK_STR(ib_entry_rel(&l.v[10]), "sub/deeper/f.TIF");
    CHECK_STR(ib_entry_rel(&l.v[11]), "z.jpeg");
    ib_list_free(&l);

    /* The output directory is never scanned, even inside an input. */
    struct stat st;
    char sub[128];
    snprintf(sub, sizeof(sub), "%s/sub", root);
    CHECK(stat(sub, &st) == 0);
    opts.avoid_dev = st.st_dev;
    opts.avoid_ino = st.st_ino;
    ib_list_init(&l);
    CHECK_INT(ib_scan_path(&l, root, &opts, err, sizeof(err)), 0);
    ib_list_finish(&l);
    CHECK_INT(l.n, 10);
    ib_list_free(&l);
}

static void explicit_files(void)
{
    struct ib_file_list l;
    ib_list_init(&l);
    char path[256], err[128];
    /* Named on the command line: any extension (content decides), but
     * never one of our outputs. Named twice: listed once. */
    snprintf(path, sizeof(path), "%s/notes.txt", root);
    CHECK_INT(ib_scan_path(&l, path, &plain, err, sizeof(err)), 0);
    CHECK_INT(ib_scan_path(&l, path, &plain, err, sizeof(err)), 0);
    snprintf(path, sizeof(path), "%s/resized_a.jpg", root);
    CHECK_INT(ib_scan_path(&l, path, &plain, err, sizeof(err)), 0);
    snprintf(path, sizeof(path), "%s/missing.jpg", root);
    CHECK_INT(ib_scan_path(&l, path, &plain, err, sizeof(err)), -1);
    CHECK_STR(err, "No such file or directory");
    ib_list_finish(&l);
    CHECK_INT(l.n, 2);
    CHECK_STR(ib_entry_rel(&l.v[0]), "notes.txt");
    CHECK_INT(l.v[0].state, IB_ENTRY_INPUT);
    CHECK_STR(ib_entry_rel(&l.v[1]), "resized_a.jpg");
    CHECK_INT(l.v[1].state, IB_ENTRY_SKIPPED);
    ib_list_free(&l);
}

static void extensions(void)
{
    struct ib_scan_options opts = plain;
    CHECK(ib_scan_has_image_extension("a.JPEG", &opts));
    CHECK(ib_scan_has_image_extension("photo.heic", &opts));
    CHECK(!ib_scan_has_image_extension("scan.jp2", &opts)); /* untrusted */
    CHECK(!ib_scan_has_image_extension("notes.txt", &opts));
    CHECK(!ib_scan_has_image_extension(".jpg", &opts));
    CHECK(!ib_scan_has_image_extension("jpg", &opts));
    /* Vector formats only when their loader is on. */
    CHECK(!ib_scan_has_image_extension("logo.svg", &opts));
    CHECK(!ib_scan_has_image_extension("doc.pdf", &opts));
    opts.allow_svg = 1;
    CHECK(ib_scan_has_image_extension("logo.SVG", &opts));
    CHECK(!ib_scan_has_image_extension("doc.pdf", &opts));
    opts.allow_pdf = 1;
    CHECK(ib_scan_has_image_extension("doc.pdf", &opts));
    /* JPEG XL's loader is flagged untrusted in libvips 8.14. */
    CHECK(!ib_scan_has_image_extension("photo.jxl", &opts));
    opts.allow_untrusted = 1;
    CHECK(ib_scan_has_image_extension("photo.jxl", &opts));
}

int main(void)
{
    build_tree();
    flat_scan();
    recursive_scan();
    explicit_files();
    extensions();
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
    CHECK(system(cmd) == 0);
    CHECK_DONE();
}
