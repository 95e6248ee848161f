/* SPDX-License-Identifier: MIT */
/* JSON strings valid for any name, base64, one-line quoting. */
#include "check.h"
#include "imgbatch/text.h"

static void expect_json(const char *in, const char *out, int lossy)
{
    struct ib_buf b;
    ib_buf_init(&b);
    CHECK_INT(ib_json_put_string(&b, in), lossy);
    CHECK_STR(ib_buf_cstr(&b), out);
    ib_buf_free(&b);
}

static void expect_quote(const char *in, const char *out)
{
    struct ib_buf b;
    ib_buf_init(&b);
    ib_quote_put(&b, in);
    CHECK_STR(ib_buf_cstr(&b), out);
    ib_buf_free(&b);
}

static void expect_base64(const char *in, const char *out)
{
    struct ib_buf b;
    ib_buf_init(&b);
    ib_base64_put(&b, in, strlen(in));
    CHECK_STR(ib_buf_cstr(&b), out);
    ib_buf_free(&b);
}

static void utf8(void)
{
    const unsigned char ok2[] = {0xc3, 0xa9}, ok4[] = {0xf0, 0x9f, 0x98, 0x80};
    const unsigned char overlong[] = {0xc0, 0xaf},
                        surrogate[] = {0xed, 0xa0, 0x80};
    const unsigned char too_big[] = {0xf4, 0x90, 0x80, 0x80};
    const unsigned char cut[] = {0xe2, 0x82};
    CHECK_INT(ib_utf8_sequence(ok2, 2), 2);
    CHECK_INT(ib_utf8_sequence(ok4, 4), 4);
    CHECK_INT(ib_utf8_sequence(overlong, 2), 0);
    CHECK_INT(ib_utf8_sequence(surrogate, 3), 0);
    CHECK_INT(ib_utf8_sequence(too_big, 4), 0);
    CHECK_INT(ib_utf8_sequence(cut, 2), 0);
}

int main(void)
{
    utf8();
    expect_json("plain.jpg", "\"plain.jpg\"", 0);
    expect_json("a \"b\" \\c", "\"a \\\"b\\\" \\\\c\"", 0);
    expect_json("line\nbreak\ttab\x01", "\"line\\nbreak\\ttab\\u0001\"", 0);
    expect_json("caf\xc3\xa9.jpg", "\"caf\xc3\xa9.jpg\"", 0);
    expect_json("bad\xff.jpg", "\"bad\xef\xbf\xbd.jpg\"", 1);
    expect_base64("", "");
    expect_base64("f", "Zg==");
    expect_base64("fo", "Zm8=");
    expect_base64("foo", "Zm9v");
    expect_base64("bad\xff.jpg", "YmFk/y5qcGc=");
    expect_quote("a b.jpg", "a b.jpg");
    expect_quote("new\nline.jpg", "new\\nline.jpg");
    expect_quote("it's.jpg", "it\\'s.jpg");
    expect_quote("back\\slash", "back\\\\slash");
    expect_quote("bad\xff.jpg", "bad\\xff.jpg");
    expect_quote("caf\xc3\xa9", "caf\xc3\xa9");
    expect_quote("esc\x1b[31m", "esc\\x1b[31m");
    CHECK_DONE();
}
