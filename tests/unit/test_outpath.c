/* SPDX-License-Identifier: MIT */
/* Output names: the default ones (prefix, format, --output), templates
 * (every field, escapes, a missing extension, late fields, names that
 * may not be used) and the patterns that keep outputs out of the
 * inputs. Pure string work: what the parent and the workers both do. */
#include <fnmatch.h>

#include "check.h"
#include "imgbatch/name.h"
#include "imgbatch/outpath.h"

static struct ib_rendition rendition(void)
{
    struct ib_rendition r;
    ib_rendition_defaults(&r);
    r.variant = "thumb";
    r.size_text = "640x480";
    return r;
}

/* The path r names for input path (rel: where the part below its PATH
 * starts) below root, with facts; why on a refusal. */
static int name(const struct ib_rendition *r, const char *root,
                const char *path, unsigned rel,
                const struct ib_output_facts *facts, char *out, size_t len,
                char *why, size_t why_len)
{
    struct ib_buf b;
    ib_buf_init(&b);
    struct ib_input_name in = {path, rel};
    why[0] = '\0';
    int rc = ib_output_path(r, root, &in, facts, &b, why, why_len);
    snprintf(out, len, "%s", ib_buf_cstr(&b));
    ib_buf_free(&b);
    return rc;
}

static void expect_name(const struct ib_rendition *r, const char *root,
                        const char *path, unsigned rel, const char *want)
{
    char out[512], why[256];
    CHECK_INT(name(r, root, path, rel, &IB_OUTPUT_UNKNOWN, out, sizeof(out),
                   why, sizeof(why)),
              0);
    CHECK_STR(out, want);
}

static void expect_refused(const struct ib_rendition *r, const char *path,
                           const char *want_why)
{
    char out[512], why[256];
    CHECK_INT(name(r, "out", path, 3, &IB_OUTPUT_UNKNOWN, out, sizeof(out), why,
                   sizeof(why)),
              -1);
    CHECK_STR(why, want_why);
}

static void expect_format(const struct ib_rendition *r, const char *path,
                          enum ib_format want)
{
    struct ib_input_name in = {path, 0};
    CHECK_INT(ib_output_format(r, &in), want);
}

static void default_names(void)
{
    struct ib_rendition r = rendition();
    expect_name(&r, NULL, "photos/a.jpg", 7, "photos/resized_a.jpg");
    expect_name(&r, NULL, "a.JPG", 0, "resized_a.JPG");
    expect_name(&r, NULL, "x/noext", 2, "x/resized_noext");
    expect_format(&r, "x/noext", IB_FMT_FROM_LOADER);
    /* Formats read but not written: JPEG, or PNG for drawings. */
    expect_name(&r, NULL, "x/y.bmp", 2, "x/resized_y.jpg");
    expect_name(&r, NULL, "x/y.svg", 2, "x/resized_y.png");
    expect_format(&r, "x/y.svg", IB_FMT_PNG);
    expect_name(&r, NULL, "x/y.heic", 2, "x/resized_y.heic");
    r.format = IB_FMT_WEBP;
    expect_name(&r, NULL, "x/a.b.jpg", 2, "x/resized_a.b.webp");
    /* An extension that already names the format stays as written. */
    r.format = IB_FMT_JPEG;
    expect_name(&r, NULL, "x/a.JPEG", 2, "x/resized_a.JPEG");
    expect_name(&r, NULL, "x/a.png", 2, "x/resized_a.jpg");
    /* --output mirrors the path below the PATH argument. */
    r.format = IB_FMT_KEEP;
    expect_name(&r, "out", "in/sub/dir/a.png", 3, "out/sub/dir/resized_a.png");
    r.prefix = "";
    expect_name(&r, "out/", "in//a.png", 4, "out/a.png");
}

static void templates(void)
{
    struct ib_rendition r = rendition();
    r.name = "{stem}-{size}.{format}.q{q}.{variant}.{ext}";
    r.format = IB_FMT_WEBP;
    expect_name(&r, NULL, "in/a.b.jpg", 3,
                "in/a.b-640x480.webp.q85.thumb.webp");
    /* {name} keeps the input's whole name; {{ }} are braces. */
    r.name = "{{{name}}}";
    expect_name(&r, "out", "in/sub/a.jpg", 3, "out/sub/{a.jpg}");
    /* {dir} places the name below the root itself; an empty {dir} takes
     * its '/' with it. */
    r.name = "{dir}/{stem}.{ext}";
    expect_name(&r, "out", "in/sub/deep/a.jpg", 3, "out/sub/deep/a.webp");
    expect_name(&r, "out", "in/a.jpg", 3, "out/a.webp");
    r.name = "w/{dir}/{stem}.{ext}";
    expect_name(&r, "out", "in/a.jpg", 3, "out/w/a.webp");
    /* No extension: the '.' before {ext} goes with it. */
    r.format = IB_FMT_KEEP;
    r.name = "{stem}.{ext}";
    expect_name(&r, "out", "in/README", 3, "out/README");
    /* Odd bytes in names pass through as they are. */
    r.name = "{stem} [\x01*?].{ext}";
    expect_name(&r, NULL, "d/\xff\xfe x.png", 2, "d/\xff\xfe x [\x01*?].png");
}

static void late_fields(void)
{
    struct ib_rendition r = rendition();
    r.name = "{stem}-{w}x{h}-{hash:8}.{ext}";
    CHECK(ib_name_is_late(r.name));
    CHECK(!ib_name_is_late("{stem}-{size}.{ext}"));
    CHECK(!ib_name_is_late("{{w}}.{ext}"));
    /* Before the output is made they stay as written. */
    expect_name(&r, NULL, "in/a.jpg", 3, "in/a-{w}x{h}-{hash:8}.jpg");
    char out[256], why[128];
    const char *hash =
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    struct ib_output_facts made = {320, 213, hash};
    CHECK_INT(name(&r, NULL, "in/a.jpg", 3, &made, out, sizeof(out), why,
                   sizeof(why)),
              0);
    CHECK_STR(out, "in/a-320x213-01234567.jpg");
}

static void grammar(void)
{
    char why[128];
    CHECK_INT(ib_name_check("{stem}.{ext}", why, sizeof(why)), 0);
    CHECK_INT(ib_name_check("", why, sizeof(why)), -1);
    CHECK_STR(why, "an empty name");
    CHECK_INT(ib_name_check("{width}", why, sizeof(why)), -1);
    CHECK_STR(why, "unknown field '{width}'");
    CHECK_INT(ib_name_check("{stem", why, sizeof(why)), -1);
    CHECK_STR(why, "'{' without '}'");
    CHECK_INT(ib_name_check("a}b", why, sizeof(why)), -1);
    CHECK_STR(why, "'}' without '{'");
    CHECK_INT(ib_name_check("{hash}", why, sizeof(why)), -1);
    CHECK_STR(why, "'{hash}' needs a length: {hash:8}");
    CHECK_INT(ib_name_check("{hash:65}", why, sizeof(why)), -1);
    CHECK_STR(why, "'{hash:65}': N must be from 1 to 64");
    CHECK_INT(ib_name_check("/tmp/{name}", why, sizeof(why)), -1);
    CHECK_STR(why, "a name may not be an absolute path");
}

/* Names a template makes that may not be used. */
static void refused_names(void)
{
    struct ib_rendition r = rendition();
    r.name = "../{name}";
    expect_refused(&r, "in/a.jpg", "'../a.jpg' would leave the output folder");
    r.name = "{dir}/../../{name}";
    expect_refused(&r, "in/s/a.jpg",
                   "'s/../../a.jpg' would leave the output "
                   "folder");
    r.name = "x//{name}";
    expect_refused(&r, "in/a.jpg", "'x//a.jpg' has an empty component");
    r.name = "{stem}.{ext}";
    r.prefix = "";
    struct ib_rendition plain = r;
    plain.name = "{dir}";
    expect_refused(&plain, "in/a.jpg", "the name is empty");
}

static void base_folders(void)
{
    struct ib_buf b;
    ib_buf_init(&b);
    struct ib_input_name top = {"a.jpg", 0}, deep = {"in/s/a.jpg", 3};
    ib_output_base(NULL, &top, &b);
    CHECK_STR(ib_buf_cstr(&b), ".");
    ib_output_base(NULL, &deep, &b);
    CHECK_STR(ib_buf_cstr(&b), "in/s");
    ib_output_base("out/", &deep, &b);
    CHECK_STR(ib_buf_cstr(&b), "out/s");
    ib_buf_free(&b);
}

/* The pattern keeps this rendition's outputs out of the inputs of a
 * later run, and nothing else. */
static void expect_pattern(const struct ib_rendition *r, const char *want,
                           const char *output, const char *input)
{
    struct ib_buf b;
    ib_buf_init(&b);
    const char *p = ib_output_pattern(r, &b);
    if (!want) {
        CHECK(p == NULL);
    } else {
        CHECK_STR(p, want);
        if (p) {
            CHECK_INT(fnmatch(p, output, FNM_PERIOD), 0);
            CHECK(fnmatch(p, input, FNM_PERIOD) != 0);
        }
    }
    ib_buf_free(&b);
}

static void output_patterns(void)
{
    struct ib_rendition r = rendition();
    expect_pattern(&r, "resized_*", "resized_a.jpg", "a.jpg");
    r.prefix = "t[1]_";
    expect_pattern(&r, "t\\[1\\]_*", "t[1]_a.jpg", "t1_a.jpg");
    r.prefix = "";
    expect_pattern(&r, NULL, NULL, NULL);
    r.name = "{dir}/{stem}-{w}w.{ext}";
    expect_pattern(&r, "*-*w.*", "a-640w.jpg", "a.jpg");
    /* Fields that are the same for every input narrow it: an input with a
     * '-' in its name is not taken for an output. */
    r.name = "{stem}-{size}.{ext}";
    expect_pattern(&r, "*-640x480.*", "a-640x480.jpg", "Infinite-Sea.jpg");
    r.name = "{stem}_{variant}_q{q}.{format}";
    r.format = IB_FMT_WEBP;
    expect_pattern(&r, "*_thumb_q85.webp", "a_thumb_q85.webp", "a_b_q85.jpg");
    r.name = "{stem}.{ext}";
    expect_pattern(&r, NULL, NULL, NULL);
    /* A field's text is matched as it is, not as a pattern. */
    r.name = "{stem}-{variant}.{ext}";
    r.variant = "x*[1]";
    expect_pattern(&r, "*-x\\*\\[1\\].*", "a-x*[1].png", "a-xx1.png");
}

int main(void)
{
    default_names();
    templates();
    late_fields();
    grammar();
    refused_names();
    base_folders();
    output_patterns();
    CHECK_DONE();
}
