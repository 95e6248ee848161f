/* SPDX-License-Identifier: MIT */
/* Fuzzes what a worker does with an untrusted file: find a loader, read the
 * header, plan, decode once with shrink-on-load, and make three renditions
 * of it, all in memory through ib_resize_memory: inside a 32x32 box in the
 * input's format, cover 16x16 as PNG, contain 24x20 as WebP. The boxes are
 * small so that the seeds (16 to 64 pixels) are enlarged, kept and shrunk.
 *
 * --max-pixels is 4 megapixels so that a header promising a huge image is
 * refused before any pixel is decoded, as in a batch, rather than making
 * the fuzzer run out of memory. The loader policy is the default one (no
 * SVG, PDF or untrusted loaders): those are the decoders users face.
 *
 * Invariants, each an abort(): a failure has a reason; every output comes
 * out or none does; the inside one fits its box and is at least 1x1; cover
 * and contain are exactly their boxes. */
#include <stdio.h>
#include <stdlib.h>

#include "fuzz.h"
#include "imgbatch/format.h"
#include "resize.h"
#include "imgbatch/settings.h"

#define BOX 32

/* libFuzzer's entry points take no context, so the resizer (and the
 * settings it keeps a pointer to) live here for the whole process, as they
 * do in a worker. */
static struct ib_settings settings;
static struct ib_rendition renditions[3];
static struct ib_resizer *resizer;

static void rendition(struct ib_rendition *r, const char *variant, int w, int h,
                      enum ib_fit fit, enum ib_format format)
{
    ib_rendition_defaults(r);
    r->variant = variant;
    r->geometry.width = w;
    r->geometry.height = h;
    r->fit = fit;
    r->format = format;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    ib_settings_defaults(&settings);
    rendition(&renditions[0], "inside", BOX, BOX, IB_FIT_INSIDE, IB_FMT_KEEP);
    rendition(&renditions[1], "cover", 16, 16, IB_FIT_COVER, IB_FMT_PNG);
    rendition(&renditions[2], "contain", 24, 20, IB_FIT_CONTAIN, IB_FMT_WEBP);
    settings.renditions = renditions;
    settings.nrenditions = 3;
    settings.max_pixels = 4 * 1000 * 1000;
    char err[256];
    resizer = ib_resizer_new(&settings, err, sizeof(err));
    if (!resizer) {
        fprintf(stderr, "fuzz_resize: %s\n", err);
        exit(1);
    }
    return 0;
}

/* ASan reads its defaults from here (ASAN_OPTIONS still wins). LLVM 14's
 * runtime (and GCC's up to 13) takes some dynamic TLS blocks for glibc 2.19
 * ones, whose layout glibc dropped in 2.25, and the leak checker then dies
 * at exit scanning a bogus range ("Tracer caught signal 11"): libvips'
 * loaders are modules with thread-local state, and the corrupt JPEG XL file
 * in the corpus hits it under G_SLICE=always-malloc. Fixed in LLVM 17
 * (google/sanitizers#1322). */
const char *__asan_default_options(void);
const char *__asan_default_options(void)
{
    return "intercept_tls_get_addr=0";
}

/* LeakSanitizer calls this for suppressions built into the program, so they
 * apply to libFuzzer and to the ASan replay alike. Both are leaks on error
 * paths of Debian 12's libraries, not of imgbatch; a worker loses a few
 * kilobytes per such file:
 *   - libvips 8.14 webpsave, when the pixels of an animation fail to decode
 *     while it encodes: its dispose() does not free the WebPAnimEncoder
 *     (fixed in libvips 8.15.4, "webpsave: fix memory leak on error");
 *   - libheif 1.15's dav1d plugin, when an AVIF item holds no data: it frees
 *     the AV1 payload only when its size is not 0. libdav1d has no frame
 *     pointers, so the module is all that a fast-unwound stack names. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
    return "leak:WebPAnimEncoderNewInternal\n"
           "leak:libdav1d.so\n";
}

static void fail(const char *why, const struct ib_outcome *o, int i)
{
    const struct ib_output_outcome *out = &o->outputs[i];
    fprintf(stderr, "fuzz_resize: %s: %s (%dx%d in, %dx%d out)\n",
            renditions[i].variant, why, o->in_w, o->in_h, out->out_w,
            out->out_h);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct ib_outcome o;
    struct ib_task t = {.id = 1, .input = "fuzz", .noutputs = 3};
    if (ib_resize_memory(resizer, data, size, &t, &o) != 0) {
        if (!o.error[0])
            fail("failed without a reason", &o, 0);
        return 0;
    }
    if (o.noutputs != 3)
        fail("not one outcome per rendition", &o, 0);
    for (int i = 0; i < 3; i++)
        if (o.outputs[i].status != IB_STATUS_OK)
            fail("one output failed, another did not", &o, i);
    const struct ib_output_outcome *out = o.outputs;
    if (out[0].out_w < 1 || out[0].out_h < 1 || out[0].out_w > BOX ||
        out[0].out_h > BOX)
        fail("the output does not fit the box", &o, 0);
    if (out[1].out_w != 16 || out[1].out_h != 16)
        fail("cover is not exactly its box", &o, 1);
    if (out[2].out_w != 24 || out[2].out_h != 20)
        fail("contain is not exactly its box", &o, 2);
    return 0;
}
