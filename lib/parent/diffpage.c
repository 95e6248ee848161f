/* SPDX-License-Identifier: MIT */
/* The page is static HTML with relative links (it can be opened from the
 * file system, archived as a CI artefact, or served), and no script. It
 * has to work in any window, a phone's or a wide screen's, without
 * horizontal scrolling: a picture that runs off the side hides the very
 * pixels it is there to show.
 *
 *   - Each case is a section: the input, the limit it failed and the
 *     figures, the golden's and the output's paths (which wrap anywhere),
 *     then its pictures in labelled panels: expected, actual, difference.
 *   - The panels sit side by side, or one under another in a narrow
 *     window: a media query, since an auto-fit grid would put five columns
 *     in a wide window and shrink the pictures.
 *   - A picture is as wide as its panel, up to 8 times its own size
 *     (pixelated, so that one pixel shows as a block), and never taller
 *     than 60% of the window; it links to itself, to be seen at full size.
 *     Its size is known (the output's), so the CSS can compute that width
 *     without distorting it; an expected image of another size is shown at
 *     its own size, scaled down only.
 *
 * Every reason the run failed is on it, in the order given (goldens.c
 * sorts them): mismatches worst first, then missing goldens, each with the
 * output that would become it, then orphans. */
#define _POSIX_C_SOURCE 200809L
#include "diffpage.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "imgbatch/buf.h"
#include "imgbatch/proto.h"
#include "imgbatch/tempfile.h"

/* The legend's colours are compare.c's heat map's. */
static const char style[] =
    "*{box-sizing:border-box}"
    "body{font:15px/1.4 sans-serif;color:#222;margin:0 auto;"
    "padding:12px 16px;max-width:1600px}"
    "h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:28px 0 8px}"
    "h3{font-size:15px;margin:0}h3,code{overflow-wrap:anywhere}"
    ".case{border-top:1px solid #ccc;padding:12px 0 20px}"
    ".limit{color:#a00;font-weight:bold}"
    ".paths{color:#555;font-size:13px;margin:4px 0 8px}"
    ".panels{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));"
    "gap:12px}"
    "@media (max-width:720px){.panels{grid-template-columns:minmax(0,1fr)}}"
    ".panel{margin:0;min-width:0}"
    ".panel figcaption{font-weight:bold;margin-bottom:4px}"
    ".panel img{display:block;max-width:100%;height:auto;"
    "image-rendering:pixelated;background:repeating-conic-gradient("
    "#ddd 0 25%,#fff 0 50%) 0 0/16px 16px}"
    ".panel img.fit{width:min(100%,calc(var(--w)*8px),"
    "calc(60vh*var(--w)/var(--h)))}"
    ".panel img.natural{max-height:60vh}"
    ".key{display:inline-block;width:1.4em;height:.9em;"
    "vertical-align:middle;border:1px solid #999}"
    ".key.heat{width:5em;background:linear-gradient(90deg,rgb(255,160,0),"
    "rgb(230,0,0),rgb(120,0,120))}"
    ".key.ring{width:.9em;border:2px solid rgb(0,102,255);"
    "border-radius:50%}";

static void put_html(struct ib_buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': ib_buf_put_str(b, "&amp;"); break;
        case '<': ib_buf_put_str(b, "&lt;"); break;
        case '>': ib_buf_put_str(b, "&gt;"); break;
        case '"': ib_buf_put_str(b, "&quot;"); break;
        default: ib_buf_putc(b, *s);
        }
    }
}

/* A path below dir as a relative URL: every byte outside the unreserved
 * set is percent-encoded (names may hold '#', '?', '%', spaces). */
static void put_url(struct ib_buf *b, const char *path, const char *suffix)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || strchr("-._~/", *p)) {
            ib_buf_putc(b, (char)*p);
        } else {
            ib_buf_putc(b, '%');
            ib_buf_putc(b, hex[*p >> 4]);
            ib_buf_putc(b, hex[*p & 15]);
        }
    }
    ib_buf_put_str(b, suffix);
}

static void put_fmt(struct ib_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void put_fmt(struct ib_buf *b, const char *fmt, ...)
{
    char text[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    ib_buf_put_str(b, text);
}

/* base's path below the page's folder. */
static const char *below(const char *dir, const char *base)
{
    size_t skip = strlen(dir);
    return base + skip + (base[skip] == '/');
}

/* One labelled picture, a link to itself; w and h 0 when not known. */
static void put_panel(struct ib_buf *b, const char *label, const char *rel,
                      const char *suffix, int w, int h)
{
    ib_buf_put_str(b, "<figure class=\"panel\"><figcaption>");
    ib_buf_put_str(b, label);
    ib_buf_put_str(b, "</figcaption><a href=\"");
    put_url(b, rel, suffix);
    ib_buf_put_str(b, "\" title=\"open at full size\"><img src=\"");
    put_url(b, rel, suffix);
    if (w > 0 && h > 0)
        put_fmt(b,
                "\" class=\"fit\" width=\"%d\" height=\"%d\" "
                "style=\"--w:%d;--h:%d\"",
                w, h, w, h);
    else
        ib_buf_put_str(b, "\" class=\"natural\"");
    put_fmt(b, " alt=\"%s\"></a></figure>\n", label);
}

static void put_text_panel(struct ib_buf *b, const char *label,
                           const char *text)
{
    put_fmt(b,
            "<figure class=\"panel\"><figcaption>%s</figcaption>"
            "<p>%s</p></figure>\n",
            label, text);
}

static void put_paths(struct ib_buf *b, const struct ib_diff_item *it)
{
    ib_buf_put_str(b, "<p class=\"paths\">golden <code>");
    put_html(b, it->golden);
    ib_buf_put_str(b, "</code><br>output <code>");
    put_html(b, it->output);
    ib_buf_put_str(b, "</code></p>\n");
}

static void put_mismatch(struct ib_buf *b, const char *dir,
                         const struct ib_diff_item *it)
{
    const char *rel = below(dir, it->base);
    int same_size = it->limit != IB_LIMIT_SIZE;
    ib_buf_put_str(b, "<section class=\"case mismatch\">\n<h3>");
    put_html(b, it->input);
    put_fmt(b, "</h3>\n<p><span class=\"limit\">mismatch (%s)</span>: ",
            ib_limit_name(it->limit));
    put_html(b, it->figures);
    ib_buf_put_str(b, "</p>\n");
    put_paths(b, it);
    ib_buf_put_str(b, "<div class=\"panels\">\n");
    put_panel(b, "expected (golden)", rel, ".expected.png",
              same_size ? it->w : 0, same_size ? it->h : 0);
    put_panel(b, "actual (this run)", rel, ".actual.png", it->w, it->h);
    if (same_size)
        put_panel(b, "difference", rel, ".diff.png", it->w, it->h);
    else
        put_text_panel(b, "difference", "none: the sizes differ");
    ib_buf_put_str(b, "</div>\n</section>\n");
}

/* A golden not there: the output that --update-golden would make it. */
static void put_missing(struct ib_buf *b, const char *dir,
                        const struct ib_diff_item *it)
{
    ib_buf_put_str(b, "<section class=\"case missing\">\n<h3>");
    put_html(b, it->input);
    ib_buf_put_str(b, "</h3>\n<p><span class=\"limit\">no golden</span>: "
                      "--update-golden would make this output its "
                      "golden</p>\n");
    put_paths(b, it);
    ib_buf_put_str(b, "<div class=\"panels\">\n");
    put_panel(b, "actual (this run)", below(dir, it->base), ".actual.png",
              it->w, it->h);
    ib_buf_put_str(b, "</div>\n</section>\n");
}

static void put_orphan(struct ib_buf *b, const char *golden, int removed)
{
    ib_buf_put_str(b, "<section class=\"case orphan\">\n<h3>");
    put_html(b, golden);
    put_fmt(b,
            "</h3>\n<p><span class=\"limit\">orphan</span>: no input of "
            "this run makes it; %s</p>\n</section>\n",
            removed ? "--update-golden removed it"
                    : "--update-golden would remove it");
}

static void put_plural(struct ib_buf *b, size_t n, const char *one,
                       const char *many)
{
    put_fmt(b, "%zu %s", n, n == 1 ? one : many);
}

/* What the page is about, for its title and heading: "4 mismatches, 1
 * missing golden, 1 orphan", or that nothing failed. */
static void put_what(struct ib_buf *b, const struct ib_diff_page *p)
{
    size_t start = b->len;
    if (p->nmismatches)
        put_plural(b, p->nmismatches, "mismatch", "mismatches");
    if (p->nmissing) {
        ib_buf_put_str(b, b->len > start ? ", " : "");
        put_plural(b, p->nmissing, "missing golden", "missing goldens");
    }
    if (p->norphans) {
        ib_buf_put_str(b, b->len > start ? ", " : "");
        put_plural(b, p->norphans, p->update ? "orphan removed" : "orphan",
                   p->update ? "orphans removed" : "orphans");
    }
    if (b->len == start)
        ib_buf_put_str(b, p->update ? "the goldens are this run's outputs"
                                    : "every output matches its golden");
}

/* The counts, as the summary line on stderr says them. */
static void put_counts(struct ib_buf *b, const struct ib_diff_page *p)
{
    const size_t *v = p->verdicts;
    if (p->update)
        put_fmt(b, "golden: %zu created, %zu updated, %zu unchanged",
                v[IB_GOLDEN_CREATED], v[IB_GOLDEN_UPDATED],
                v[IB_GOLDEN_UNCHANGED]);
    else
        put_fmt(b, "golden: %zu match, %zu mismatch, %zu missing, %zu orphan",
                v[IB_GOLDEN_MATCH], v[IB_GOLDEN_MISMATCH], v[IB_GOLDEN_MISSING],
                p->norphans);
    if (p->orphans_unsought) {
        ib_buf_put_str(b, " (orphans not looked for: ");
        ib_buf_put_str(b, p->orphans_unsought);
        ib_buf_putc(b, ')');
    }
}

static void put_head(struct ib_buf *b, const struct ib_diff_page *p)
{
    struct ib_buf what;
    ib_buf_init(&what);
    put_what(&what, p);
    ib_buf_put_str(b, "<!doctype html>\n<html lang=\"en\"><head>"
                      "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
                      "content=\"width=device-width,initial-scale=1\">\n"
                      "<title>imgbatch golden check: ");
    ib_buf_put_str(b, ib_buf_cstr(&what));
    ib_buf_put_str(b, "</title>\n<style>");
    ib_buf_put_str(b, style);
    ib_buf_put_str(b, "</style></head><body>\n<h1>Golden check: ");
    ib_buf_put_str(b, ib_buf_cstr(&what));
    ib_buf_put_str(b, "</h1>\n<p>");
    ib_buf_free(&what);
    put_counts(b, p);
    const struct ib_tolerance *t = p->tolerance;
    put_fmt(b,
            ". Limits: max-diff %d, psnr %.1f dB, fraction %.2f%% of pixels "
            "off by more than %d (fuzz).</p>\n",
            t->max_diff, t->min_psnr, t->max_fraction * 100.0, t->fuzz);
    if (!p->nmismatches)
        return;
    put_fmt(b,
            "<p>The worst mismatch comes first: the one whose figure is "
            "furthest past its limit. Difference: <span class=\"key\" "
            "style=\"background:#eee\"></span> none (a faded golden), "
            "<span class=\"key\" style=\"background:rgb(255,236,150)\">"
            "</span> up to the fuzz (%d), <span class=\"key heat\"></span> "
            "more, up to 255; <span class=\"key ring\"></span> the largest "
            "(max-diff). Click a picture for its full size.</p>\n",
            t->fuzz);
}

/* "<h2>Title (n)</h2>", when there are any. */
static void put_heading(struct ib_buf *b, const char *id, const char *title,
                        size_t n)
{
    if (n)
        put_fmt(b, "<h2 id=\"%s\">%s (%zu)</h2>\n", id, title, n);
}

int ib_diff_page_write(const struct ib_diff_page *p)
{
    struct ib_buf b;
    ib_buf_init(&b);
    put_head(&b, p);
    put_heading(&b, "mismatches", "Mismatches", p->nmismatches);
    for (size_t i = 0; i < p->nmismatches; i++)
        put_mismatch(&b, p->dir, &p->mismatches[i]);
    put_heading(&b, "missing", "Missing goldens", p->nmissing);
    for (size_t i = 0; i < p->nmissing; i++)
        put_missing(&b, p->dir, &p->missing[i]);
    put_heading(&b, "orphans", p->update ? "Orphans removed" : "Orphans",
                p->norphans);
    for (size_t i = 0; i < p->norphans; i++)
        put_orphan(&b, p->orphans[i], p->update);
    ib_buf_put_str(&b, "</body></html>\n");

    struct ib_buf path;
    ib_buf_init(&path);
    ib_buf_put_str(&path, p->dir);
    ib_buf_put_str(&path, "/index.html");
    int rc = ib_write_file_atomic(ib_buf_cstr(&path), b.data, b.len);
    int err = errno;
    ib_buf_free(&path);
    ib_buf_free(&b);
    errno = err;
    return rc;
}
