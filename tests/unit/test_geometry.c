/* SPDX-License-Identifier: MIT */
/* The geometry grammar: every form, its canonical text, how it resolves
 * for real image sizes, and garbage rejected with a reason. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "imgbatch/geometry.h"

static struct ib_geometry parse_ok(const char *text)
{
    struct ib_geometry g;
    char err[128] = "";
    int rc = ib_geometry_parse(text, &g, err, sizeof(err));
    if (rc != 0) {
        fprintf(stderr, "'%s' rejected: %s\n", text, err);
        check_failures++;
    }
    return g;
}

static void expect_form(const char *text, const char *canonical)
{
    struct ib_geometry g = parse_ok(text);
    char buf[64];
    ib_geometry_format(&g, buf, sizeof(buf));
    CHECK_STR(buf, canonical);
}

static void expect_error(const char *text, const char *reason)
{
    struct ib_geometry g;
    char err[128] = "";
    int rc = ib_geometry_parse(text, &g, err, sizeof(err));
    if (rc == 0) {
        fprintf(stderr, "'%s' accepted, expected an error\n", text);
        check_failures++;
        return;
    }
    if (!strstr(err, reason)) {
        fprintf(stderr, "'%s': reason '%s' lacks '%s'\n", text, err, reason);
        check_failures++;
    }
}

/* Resolves TEXT for a WxH image and checks the thumbnail arguments. */
static void expect_target(const char *text, int w, int h, int crop, int tw,
                          int th, enum ib_size_mode size)
{
    struct ib_geometry g = parse_ok(text);
    struct ib_target t;
    ib_geometry_resolve(&g, w, h, crop, &t);
    if (t.width != tw || t.height != th || t.size != size) {
        fprintf(stderr,
                "'%s' on %dx%d: %dx%d size %d, expected %dx%d "
                "size %d\n",
                text, w, h, t.width, t.height, t.size, tw, th, size);
        check_failures++;
    }
}

static void forms(void)
{
    expect_form("100x100", "100x100");
    expect_form("100", "100x");
    expect_form("100x", "100x");
    expect_form("x80", "x80");
    expect_form("640X480", "640x480");
    expect_form("100x100!", "100x100!");
    expect_form("100x100^", "100x100^");
    expect_form("100x100>", "100x100>");
    expect_form("100x100<", "100x100<");
    expect_form("100x100^>", "100x100^>");
    expect_form("50%", "50%x50%");
    expect_form("50%x25%", "50%x25%");
    expect_form("50x25%", "50%x25%");
    expect_form("12.5%", "12.5%x12.5%");
    expect_form("150%<", "150%x150%<");
    /* Fixed notation at both ends of the range, every decimal kept: "%g"
     * wrote 1e+06% (which did not parse) and merged 12.3456781% with
     * 12.3456789% in the -u fingerprint (found by fuzz_geometry). */
    expect_form("1000000%", "1000000%x1000000%");
    expect_form("0.00005%", "0.00005%x0.00005%");
    expect_form("0.000001%", "0.000001%x0.000001%");
    expect_form("12.345678%x12.34567%", "12.345678%x12.34567%");
    expect_form("007.500%", "7.5%x7.5%");
    expect_form("10000@", "10000@");
    expect_form("10000@>", "10000@>");
    expect_form("10000000x1", "10000000x1");
}

static void garbage(void)
{
    expect_error("", "empty");
    expect_error("12xx", "unexpected 'x'");
    expect_error("x", "width or a height");
    expect_error("abc", "expected a size");
    expect_error("-5x5", "expected a size");
    expect_error("0x100", "width must be at least 1");
    expect_error("100x0", "height must be at least 1");
    expect_error("10000001x1", "at most 10000000");
    expect_error("100x100!!", "twice");
    expect_error("100x100!^", "cannot be combined");
    expect_error("100x100<>", "cannot be combined");
    expect_error("100!", "need both");
    expect_error("x100^", "need both");
    expect_error("50%!", "need both");
    expect_error("0%", "more than 0");
    expect_error("%", "expected a percentage");
    expect_error("50%x", "height percentage");
    expect_error("50%x20", "needs '%'");
    expect_error("1.%", "digits after '.'");
    expect_error("12.3456781%", "at most 6 decimals");
    expect_error("1000000.000001%", "too large");
    expect_error("0@", "at least 1 pixel");
    expect_error("10x10@", "'@' right after");
    expect_error("100x100 ", "unexpected ' '");
    expect_error("99999999999999999999999x1", "number too long");
    expect_error("100.5x100", "unexpected '.'");
}

static void resolution(void)
{
    /* Box forms become thumbnail arguments; libvips keeps the aspect. */
    expect_target("100x100", 640, 480, 0, 100, 100, IB_SIZE_BOTH);
    expect_target("100", 640, 480, 0, 100, IB_GEOMETRY_MAX_SIDE, IB_SIZE_BOTH);
    expect_target("x100", 640, 480, 0, IB_GEOMETRY_MAX_SIDE, 100, IB_SIZE_BOTH);
    expect_target("100x100!", 640, 480, 0, 100, 100, IB_SIZE_FORCE);
    expect_target("100x100>", 640, 480, 0, 100, 100, IB_SIZE_DOWN);
    expect_target("100x100<", 640, 480, 0, 100, 100, IB_SIZE_UP);
    /* Fill: the wider image is bound by its height, the taller by its
     * width. */
    expect_target("100x100^", 640, 480, 0, IB_GEOMETRY_MAX_SIDE, 100,
                  IB_SIZE_BOTH);
    expect_target("100x100^", 480, 640, 0, 100, IB_GEOMETRY_MAX_SIDE,
                  IB_SIZE_BOTH);
    /* Crop turns a box into fill-and-crop to exactly WxH. */
    expect_target("100x50", 640, 480, 1, 100, 50, IB_SIZE_BOTH);
    /* Percent and area give exact sizes, never a 0-pixel side. */
    expect_target("50%", 640, 480, 0, 320, 240, IB_SIZE_FORCE);
    expect_target("50%x25%", 640, 480, 0, 320, 120, IB_SIZE_FORCE);
    expect_target("1%", 1, 1000, 0, 1, 10, IB_SIZE_FORCE);
    expect_target("200%>", 640, 480, 0, 640, 480, IB_SIZE_FORCE);
    expect_target("50%<", 640, 480, 0, 640, 480, IB_SIZE_FORCE);
    expect_target("10000@", 300, 300, 0, 100, 100, IB_SIZE_FORCE);
    expect_target("10000@", 640, 480, 0, 115, 86, IB_SIZE_FORCE);
    expect_target("1@", 1, 1000, 0, 1, 1, IB_SIZE_FORCE);
    expect_target("10@", 1000, 1, 0, 10, 1, IB_SIZE_FORCE);
    expect_target("1000000@>", 640, 480, 0, 640, 480, IB_SIZE_FORCE);
}

int main(void)
{
    forms();
    garbage();
    resolution();
    CHECK_DONE();
}
