/* One file through libvips: open it ourselves (file names with '[' are never
 * parsed, a FIFO never blocks us), read the header and plan (loader policy,
 * pages, size limits before any pixel is decoded, the target size, colour),
 * thumbnail with shrink-on-load, then prepare for the output format, encode
 * into a temp file beside the output and rename it into place.
 *
 * libvips is lazy: most decode errors (a truncated file) only surface while
 * the output is written, which is why the write goes to a temp file that is
 * unlinked on any error. fail_on=error makes truncation an error rather than
 * a grey-filled image. */
#define _POSIX_C_SOURCE 200809L
#include "resize.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <vips/vips.h>

#include "imgbatch/alloc.h"
#include "imgbatch/buf.h"
#include "encode.h"
#include "imgbatch/fdio.h"
#include "fdtarget.h"
#include "imgbatch/format.h"
#include "modules.h"
#include "jpeg/jpegpath.h"
#include "imgbatch/tempfile.h"
#include "testfault.h"

struct ib_resizer {
    const struct ib_settings *s;
    /* IMGBATCH_DIRECT_JPEG=0 sends every file through libvips' pipeline:
     * for comparing the two, and for ruling the direct path out. */
    int direct_jpeg;
    /* The last warning libvips or a codec logged while on this file: some
     * decoders fail with an empty error and say why only in a warning. */
    GMutex log_lock;
    char last_warning[256];
    /* sRGB transforms for the direct path, kept from file to file. */
    struct ib_srgb_cache *srgb;
    struct ib_resize_cache *resizes;
    struct ib_modules *modules; /* NULL: libvips loaded them (VIPSHOME) */
};

/* What the header says and what we will ask of the loader. */
struct plan {
    const char *loader; /* class name: "VipsForeignLoadJpegSource", ... */
    int width, height;  /* of the first (or chosen) page */
    int pages;          /* in the file */
    int all_pages;      /* load every frame (an animation stays one) */
    int format;         /* output format, settled */
    const char *input_profile;
    const char *output_profile;
    char options[64]; /* loader options */
    struct ib_target target;
    int orientation; /* EXIF, 1 when --no-rotate */
    int tagged;      /* has an embedded ICC profile */
    int bands;
};

/* Where the bytes come from: a source, which every streaming loader reads;
 * or, for a loader that reads only memory (ImageMagick's, which libvips
 * 8.14 has no streaming variant of, behind --allow-untrusted), the whole
 * file mapped as a blob. */
struct input {
    VipsSource *src;
    VipsBlob *blob; /* NULL unless the memory path is needed */
};

/* ---- messages ---------------------------------------------------------- */

static void capture_log(const gchar *domain, GLogLevelFlags level,
                        const gchar *message, gpointer data)
{
    struct ib_resizer *r = data;
    if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) {
        g_log_default_handler(domain, level, message, NULL);
        return;
    }
    /* Info and debug messages say what libvips is doing, not what went
     * wrong; only warnings can explain a failure. */
    if (!(level & G_LOG_LEVEL_WARNING))
        return;
    g_mutex_lock(&r->log_lock);
    snprintf(r->last_warning, sizeof(r->last_warning), "%s",
             message ? message : "");
    g_mutex_unlock(&r->log_lock);
}

static void fail_with(struct ib_outcome *o, const char *fmt, const char *a,
                      const char *b)
{
    o->status = IB_STATUS_FAILED;
    snprintf(o->error, sizeof(o->error), fmt, a, b);
}

/* libvips stacks errors, root cause first ("VipsJpeg: Premature end of
 * input file", then "unable to write to target"): the first line is the
 * reason. Some decoders fail with no text at all and say why only in a
 * warning, so that is the fallback. */
static void fail_with_vips_error(struct ib_resizer *r, struct ib_outcome *o)
{
    const char *text = vips_error_buffer();
    size_t n = strcspn(text, "\n");
    snprintf(o->error, sizeof(o->error), "%.*s", (int)n, text);
    vips_error_clear();
    o->status = IB_STATUS_FAILED;
    if (n)
        return;
    g_mutex_lock(&r->log_lock);
    if (r->last_warning[0])
        snprintf(o->error, sizeof(o->error), "%s", r->last_warning);
    else
        snprintf(o->error, sizeof(o->error),
                 "cannot decode (the decoder gave no reason)");
    g_mutex_unlock(&r->log_lock);
}

/* ---- set-up ------------------------------------------------------------ */

static void set_loader_policy(const struct ib_loaders *l)
{
    /* ImageMagick's fallback loader runs far more code than we need on
     * untrusted files. */
    vips_block_untrusted_set(!l->allow_untrusted);
    /* libvips 8.14 also flags its JPEG XL module untrusted (libjxl was
     * young then); imgbatch reads and writes JPEG XL by design, in a worker
     * that is isolated and limited anyway. */
    vips_operation_block_set("VipsForeignLoadJxl", FALSE);
    vips_operation_block_set("VipsForeignSaveJxl", FALSE);
    /* Vector formats can reference external resources and run a renderer
     * far more complex than a decoder: off unless asked for. */
    vips_operation_block_set("VipsForeignLoadSvg", !l->allow_svg);
    vips_operation_block_set("VipsForeignLoadPdf", !l->allow_pdf);
}

struct ib_resizer *ib_resizer_new(const struct ib_settings *s, char *err,
                                  size_t err_len)
{
    struct ib_modules *modules = ib_modules_hold(&s->loaders);
    if (VIPS_INIT("imgbatch")) {
        snprintf(err, err_len, "cannot start libvips: %s", vips_error_buffer());
        ib_modules_free(modules);
        return NULL;
    }
    ib_modules_load_start(modules);
    /* --max-memory limits the address space from after start-up on, and
     * a module loaded later would count against it (libheif and its
     * codecs map tens of MB): under it, every allowed module now. */
    if (s->max_memory > 0)
        ib_modules_load_rest(modules);
    struct ib_resizer *r = ib_xcalloc(1, sizeof(*r));
    r->s = s;
    r->modules = modules;
    g_mutex_init(&r->log_lock);
    g_log_set_default_handler(capture_log, r);
    /* Parallelism comes from the pool of processes; inside one, a second
     * thread only adds hand-offs. Each image is seen once: no cache. */
    vips_concurrency_set(1);
    vips_cache_set_max(0);
    const char *direct = getenv("IMGBATCH_DIRECT_JPEG");
    r->direct_jpeg = !direct || strcmp(direct, "0") != 0;
    set_loader_policy(&s->loaders);
    r->srgb = ib_srgb_cache_new();
    r->resizes = ib_resize_cache_new();
    return r;
}

void ib_resizer_free(struct ib_resizer *r)
{
    if (!r)
        return;
    ib_srgb_cache_free(r->srgb);
    ib_resize_cache_free(r->resizes);
    ib_modules_free(r->modules);
    g_log_set_default_handler(g_log_default_handler, NULL);
    g_mutex_clear(&r->log_lock);
    free(r);
}

/* ---- input ------------------------------------------------------------- */

/* Opens without blocking on a FIFO and insists on a regular file. */
static int open_input(const char *path, struct ib_outcome *o)
{
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        fail_with(o, "%s%s", strerror(errno), "");
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        fail_with(o, "%s%s", "not a regular file", "");
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    o->in_bytes = (long long)st.st_size;
    if (st.st_size == 0) {
        fail_with(o, "%s%s", "empty file", "");
        close(fd);
        return -1;
    }
    return fd;
}

/* The output must never replace the input, whatever links lead there. */
static int is_input_itself(int in_fd, const char *output)
{
    struct stat in, out;
    return fstat(in_fd, &in) == 0 && stat(output, &out) == 0 &&
           in.st_dev == out.st_dev && in.st_ino == out.st_ino;
}

/* ---- planning from the header ------------------------------------------ */

static int loader_is(const struct plan *p, const char *prefix)
{
    return vips_isprefix(prefix, p->loader);
}

/* libvips' own verdict, except for the loaders with a policy of their own
 * (see set_loader_policy): JPEG XL, SVG and PDF. */
static int is_untrusted(const char *loader)
{
    static const char *const own_policy[] = {
        "VipsForeignLoadJxl", "VipsForeignLoadSvg", "VipsForeignLoadPdf", NULL};
    for (const char *const *l = own_policy; *l; l++)
        if (vips_isprefix(*l, loader))
            return 0;
    GType type = g_type_from_name(loader);
    gpointer klass = type ? g_type_class_peek(type) : NULL;
    return klass &&
           (VIPS_OPERATION_CLASS(klass)->flags & VIPS_OPERATION_UNTRUSTED);
}

/* Blocked loaders get a reason that says how to unblock them. */
static int check_loader(const struct ib_resizer *r, const struct plan *p,
                        struct ib_outcome *o)
{
    if (loader_is(p, "VipsForeignLoadSvg") && !r->s->loaders.allow_svg) {
        fail_with(o, "%s%s", "SVG input is off (--allow-svg turns it on)", "");
        return -1;
    }
    if (loader_is(p, "VipsForeignLoadPdf") && !r->s->loaders.allow_pdf) {
        fail_with(o, "%s%s", "PDF input is off (--allow-pdf turns it on)", "");
        return -1;
    }
    if (!r->s->loaders.allow_untrusted && is_untrusted(p->loader)) {
        VipsObjectClass *c =
            VIPS_OBJECT_CLASS(g_type_class_peek(g_type_from_name(p->loader)));
        fail_with(o,
                  "%s is an untrusted loader, off by default "
                  "(--allow-untrusted turns it on)",
                  c && c->nickname ? c->nickname : p->loader, "");
        return -1;
    }
    return 0;
}

static int format_from_loader(const struct plan *p, VipsImage *header)
{
    static const struct {
        const char *prefix;
        int format;
    } table[] = {
        {"VipsForeignLoadJpeg", IB_FMT_JPEG},
        {"VipsForeignLoadPng", IB_FMT_PNG},
        {"VipsForeignLoadWebp", IB_FMT_WEBP},
        {"VipsForeignLoadTiff", IB_FMT_TIFF},
        {"VipsForeignLoadNsgif", IB_FMT_GIF},
        {"VipsForeignLoadJxl", IB_FMT_JXL},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (loader_is(p, table[i].prefix))
            return table[i].format;
    if (loader_is(p, "VipsForeignLoadHeif")) {
        const char *compression = NULL;
        if (vips_image_get_typeof(header, "heif-compression") &&
            !vips_image_get_string(header, "heif-compression", &compression) &&
            strcmp(compression, "av1") == 0)
            return IB_FMT_AVIF;
        return IB_FMT_HEIC;
    }
    return IB_FMT_PNG;
}

static int has_pages(const struct plan *p)
{
    static const char *const loaders[] = {
        "VipsForeignLoadNsgif",  "VipsForeignLoadWebp",
        "VipsForeignLoadTiff",   "VipsForeignLoadHeif",
        "VipsForeignLoadPdf",    "VipsForeignLoadJxl",
        "VipsForeignLoadMagick", NULL};
    for (const char *const *l = loaders; *l; l++)
        if (loader_is(p, *l))
            return 1;
    return 0;
}

/* --page N, or every frame of an animation that the output can hold. */
static int choose_pages(const struct ib_settings *s, struct plan *p,
                        struct ib_outcome *o)
{
    if (s->page >= 0 && !has_pages(p)) {
        if (s->page == 0)
            return 0;
        char why[96];
        snprintf(why, sizeof(why), "--page %d: the file has a single image",
                 s->page);
        fail_with(o, "%s%s", why, "");
        return -1;
    }
    if (s->page >= 0) {
        if (s->page >= p->pages) {
            char why[96];
            snprintf(why, sizeof(why), "--page %d: the file has %d page%s",
                     s->page, p->pages, p->pages == 1 ? "" : "s");
            fail_with(o, "%s%s", why, "");
            return -1;
        }
        snprintf(p->options, sizeof(p->options), ",page=%d", s->page);
        return 0;
    }
    p->all_pages = p->pages > 1 && ib_format_can_animate(p->format) &&
                   (loader_is(p, "VipsForeignLoadNsgif") ||
                    loader_is(p, "VipsForeignLoadWebp"));
    if (p->all_pages)
        snprintf(p->options, sizeof(p->options), ",n=-1");
    return 0;
}

static int check_pixels(const struct ib_settings *s, const struct plan *p,
                        struct ib_outcome *o)
{
    long long frames = p->all_pages ? p->pages : 1;
    long long pixels = (long long)p->width * p->height * frames;
    if (!s->max_pixels || pixels <= s->max_pixels)
        return 0;
    o->status = IB_STATUS_FAILED;
    snprintf(o->error, sizeof(o->error),
             "image is %dx%d%s (%lld pixels), more than --max-pixels %lld",
             p->width, p->height, frames > 1 ? " per frame" : "", pixels,
             s->max_pixels);
    return -1;
}

/* Imports an embedded profile and writes sRGB unless told otherwise. Grey
 * stays grey: an sRGB export would make it three bands. */
static const char *choose_output_profile(const struct ib_colour *c,
                                         const struct plan *p)
{
    if (c->output_profile)
        return c->output_profile;
    if (c->keep_profile)
        return NULL;
    if ((p->tagged || c->input_profile) && p->bands >= 3)
        return "srgb";
    return NULL;
}

/* An untagged RGB input is sRGB. Said explicitly, because libvips 8.14's
 * thumbnail, given only an export profile, converts untagged pixels to it
 * through its own approximation (a saturated green moves by 70 levels). */
static const char *choose_input_profile(const struct ib_colour *c,
                                        const struct plan *p, VipsImage *header)
{
    if (c->input_profile)
        return c->input_profile;
    if (p->output_profile && p->bands >= 3 && !p->tagged &&
        vips_image_guess_interpretation(header) == VIPS_INTERPRETATION_sRGB)
        return "srgb";
    return NULL;
}

/* The target for the image once upright: swap when the orientation turns
 * it a quarter. */
static void resolve_target(const struct ib_settings *s, struct plan *p,
                           int swap)
{
    ib_geometry_resolve(&s->geometry, swap ? p->height : p->width,
                        swap ? p->width : p->height, s->crop != IB_CROP_NONE,
                        &p->target);
}

static void read_header(const struct ib_settings *s, struct plan *p,
                        VipsImage *h, struct ib_outcome *o)
{
    p->width = h->Xsize;
    p->height = vips_image_get_page_height(h);
    p->pages = vips_image_get_n_pages(h);
    o->in_w = p->width;
    o->in_h = p->height;
    if (p->format == IB_FMT_FROM_LOADER)
        p->format = format_from_loader(p, h);
    p->tagged = vips_image_get_typeof(h, VIPS_META_ICC_NAME) != 0;
    p->bands = h->Bands;
    p->output_profile = choose_output_profile(&s->colour, p);
    p->input_profile = choose_input_profile(&s->colour, p, h);
    p->orientation = s->no_rotate ? 1 : vips_image_get_orientation(h);
    resolve_target(s, p, !s->no_rotate && vips_image_get_orientation_swap(h));
}

/* The modules not loaded yet, under the same policy; 1 if any came. */
static int load_more_modules(struct ib_resizer *r)
{
    if (!ib_modules_load_rest(r->modules))
        return 0;
    set_loader_policy(&r->s->loaders);
    return 1;
}

static const char *find_loader(struct ib_resizer *r, struct input *in)
{
    const char *loader = vips_foreign_find_load_source(in->src);
    if (!loader && load_more_modules(r)) {
        vips_error_clear();
        loader = vips_foreign_find_load_source(in->src);
    }
    if (loader || !r->s->loaders.allow_untrusted)
        return loader;
    vips_error_clear();
    if (!(in->blob = vips_source_map_blob(in->src)))
        return NULL;
    size_t len;
    const void *data = vips_blob_get(in->blob, &len);
    return vips_foreign_find_load_buffer(data, len);
}

static VipsImage *load_header(const struct input *in, const char *options)
{
    if (!in->blob)
        return vips_image_new_from_source(in->src, options, "access",
                                          VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                          VIPS_FAIL_ON_ERROR, NULL);
    size_t len;
    const void *data = vips_blob_get(in->blob, &len);
    return vips_image_new_from_buffer(data, len, options, "access",
                                      VIPS_ACCESS_SEQUENTIAL, "fail_on",
                                      VIPS_FAIL_ON_ERROR, NULL);
}

/* Reads the header only and plans the rest. */
static int plan(struct ib_resizer *r, struct input *in, int format,
                struct plan *p, struct ib_outcome *o)
{
    memset(p, 0, sizeof(*p));
    p->format = format;
    p->loader = find_loader(r, in);
    if (!p->loader) {
        vips_error_clear();
        fail_with(o, "%s%s", "not an image format imgbatch can read", "");
        return -1;
    }
    if (check_loader(r, p, o) != 0)
        return -1;
    VipsImage *h = load_header(in, "");
    if (!h) {
        fail_with_vips_error(r, o);
        return -1;
    }
    read_header(r->s, p, h, o);
    g_object_unref(h);
    if (choose_pages(r->s, p, o) != 0)
        return -1;
    /* The header of the first page counted the pages; a later page may
     * have a size of its own. */
    if (r->s->page > 0) {
        char options[32];
        snprintf(options, sizeof(options), "page=%d", r->s->page);
        if (!(h = load_header(in, options))) {
            fail_with_vips_error(r, o);
            return -1;
        }
        read_header(r->s, p, h, o);
        g_object_unref(h);
    }
    return check_pixels(r->s, p, o);
}

/* ---- decode and resize ------------------------------------------------- */

static VipsSize size_for(enum ib_size_mode m)
{
    switch (m) {
    case IB_SIZE_UP: return VIPS_SIZE_UP;
    case IB_SIZE_DOWN: return VIPS_SIZE_DOWN;
    case IB_SIZE_FORCE: return VIPS_SIZE_FORCE;
    default: return VIPS_SIZE_BOTH;
    }
}

static VipsInteresting interesting_for(enum ib_crop c)
{
    switch (c) {
    case IB_CROP_ATTENTION: return VIPS_INTERESTING_ATTENTION;
    case IB_CROP_ENTROPY: return VIPS_INTERESTING_ENTROPY;
    default: return VIPS_INTERESTING_CENTRE;
    }
}

static VipsIntent intent_for(enum ib_intent i)
{
    switch (i) {
    case IB_INTENT_PERCEPTUAL: return VIPS_INTENT_PERCEPTUAL;
    case IB_INTENT_SATURATION: return VIPS_INTENT_SATURATION;
    case IB_INTENT_ABSOLUTE: return VIPS_INTENT_ABSOLUTE;
    default: return VIPS_INTENT_RELATIVE;
    }
}

static void set_string_if_given(VipsOperation *op, const char *name,
                                const char *value)
{
    if (value)
        vips_object_set(VIPS_OBJECT(op), name, value, NULL);
}

/* The thumbnail operation, from a source or from memory: one set of
 * arguments for both. thumbnail_source (like thumbnail_buffer) does not
 * hand its own fail_on to the loader (the file variant does), so a
 * truncated file would quietly become a grey-filled thumbnail: the loader
 * gets fail_on through the option string instead. */
static VipsOperation *thumbnail_operation(const struct ib_settings *s,
                                          const struct input *in,
                                          const struct plan *p)
{
    VipsOperation *op =
        vips_operation_new(in->blob ? "thumbnail_buffer" : "thumbnail_source");
    if (!op)
        return NULL;
    VipsObject *o = VIPS_OBJECT(op);
    if (in->blob)
        vips_object_set(o, "buffer", in->blob, NULL);
    else
        vips_object_set(o, "source", in->src, NULL);
    char options[96];
    snprintf(options, sizeof(options), "fail_on=error%s", p->options);
    VipsInteresting crop =
        p->target.crop ? interesting_for(s->crop) : VIPS_INTERESTING_NONE;
    vips_object_set(o, "width", p->target.width, "height", p->target.height,
                    "size", size_for(p->target.size), "crop", crop, "no_rotate",
                    s->no_rotate, "linear", s->colour.linear, "intent",
                    intent_for(s->colour.intent), "fail_on", VIPS_FAIL_ON_ERROR,
                    "option_string", options, NULL);
    set_string_if_given(op, "import_profile", p->input_profile);
    set_string_if_given(op, "export_profile", p->output_profile);
    return op;
}

static VipsImage *thumbnail(struct ib_resizer *r, const struct input *in,
                            const struct plan *p, struct ib_outcome *o)
{
    VipsOperation *op = thumbnail_operation(r->s, in, p);
    VipsImage *out = NULL;
    if (op && vips_cache_operation_buildp(&op) == 0)
        g_object_get(op, "out", &out, NULL);
    if (op) {
        vips_object_unref_outputs(VIPS_OBJECT(op));
        g_object_unref(op);
    }
    if (!out)
        fail_with_vips_error(r, o);
    return out;
}

/* ---- output ------------------------------------------------------------ */

/* What goes into the temp file: an image for a libvips saver, or bytes
 * already encoded. */
struct payload {
    VipsImage *img;
    int format;
    unsigned char *bytes; /* malloc'd by the direct path */
    size_t len;
};

static int fail_write(struct ib_outcome *o, const char *output, int err)
{
    fail_with(o, "cannot write '%s': %s", output, strerror(err));
    o->write_errno = err;
    return -1;
}

static int write_bytes(int fd, const struct payload *pl, const char *output,
                       struct ib_outcome *o)
{
    if (ib_write_all(fd, pl->bytes, pl->len) != 0)
        return fail_write(o, output, errno);
    o->out_bytes = (long long)pl->len;
    return 0;
}

/* Encodes into the open temp file; 0 when every byte reached it. */
static int encode_to_fd(struct ib_resizer *r, const struct payload *pl, int fd,
                        const char *output, struct ib_outcome *o)
{
    if (!pl->img)
        return write_bytes(fd, pl, output, o);
    VipsImage *img = pl->img;
    int format = pl->format;
    int write_errno = 0;
    VipsTarget *target = ib_fd_target_new(fd, &write_errno);
    if (!target) {
        fail_with_vips_error(r, o);
        return -1;
    }
    int rc = ib_encode(r->s, img, format, target);
    g_object_unref(target);
    if (rc != 0 && write_errno) {
        vips_error_clear();
        return fail_write(o, output, write_errno);
    }
    if (rc != 0) {
        fail_with_vips_error(r, o);
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0)
        o->out_bytes = (long long)st.st_size;
    return 0;
}

/* libheif reports success when the AV1 or HEVC encoder could not start
 * (short of memory under --max-memory: a 201-byte file whose image item
 * is missing), so a HEIF-family output is read back, header only, before
 * it may replace anything. 0 when it reads. */
static int check_heif_output(struct ib_resizer *r, const struct payload *pl,
                             const char *tmp, struct ib_outcome *o)
{
    if (pl->format != IB_FMT_AVIF && pl->format != IB_FMT_HEIC)
        return 0;
    int fd = open(tmp, O_RDONLY | O_CLOEXEC);
    VipsSource *src = fd < 0 ? NULL : vips_source_new_from_descriptor(fd);
    VipsImage *back = src ? vips_image_new_from_source(src, "", NULL) : NULL;
    if (fd >= 0)
        close(fd);
    if (src)
        g_object_unref(src);
    if (back) {
        g_object_unref(back);
        return 0;
    }
    fail_with_vips_error(r, o);
    char why[256];
    snprintf(why, sizeof(why), "%.*s", (int)sizeof(why) - 1, o->error);
    /* Under the limit, the likely cause: said so, and worker.c adds which
     * limit. */
    fail_with(o, "the encoder wrote an unreadable file%s (%s)",
              r->s->max_memory > 0 ? ", out of memory" : "", why);
    return -1;
}

/* "cannot write in 'DIR': reason", errno err: about output's directory. */
static int fail_in_dir(struct ib_outcome *o, const char *what,
                       const char *output, int err)
{
    struct ib_buf dir;
    ib_buf_init(&dir);
    ib_dir_of(output, &dir);
    fail_with(o, what, ib_buf_cstr(&dir), strerror(err));
    o->write_errno = err;
    ib_buf_free(&dir);
    return -1;
}

static int write_output(struct ib_resizer *r, const struct payload *pl,
                        const char *output, struct ib_outcome *o)
{
    struct ib_temp tmp;
    /* With -o, an output's directory is made when the first file that
     * goes there finds it missing: no mkdir per file. */
    int fd = ib_temp_open(&tmp, output);
    if (fd < 0 && errno == ENOENT && r->s->outdir) {
        if (ib_make_parent_dirs(output) != 0)
            return fail_in_dir(o, "cannot create directory '%s': %s", output,
                               errno);
        fd = ib_temp_open(&tmp, output);
    }
    if (fd < 0)
        return fail_in_dir(o, "cannot write in '%s': %s", output, errno);
    int rc = encode_to_fd(r, pl, tmp.fd, output, o);
    if (rc == 0)
        rc = check_heif_output(r, pl, ib_buf_cstr(&tmp.path), o);
    if (ib_test_fault_is("midwrite", output))
        for (;;)
            pause();
    if (rc != 0)
        ib_temp_discard(&tmp);
    else if (ib_temp_commit(&tmp, output) != 0)
        rc = fail_write(o, output, errno);
    return rc;
}

/* Resizes, ready for the plan's output format. */
static VipsImage *resize_planned(struct ib_resizer *r, struct input *in,
                                 struct plan *p, struct ib_outcome *o)
{
    VipsImage *img = thumbnail(r, in, p, o);
    if (img && !(img = ib_prepare_for_format(r->s, img, p->format)))
        fail_with_vips_error(r, o);
    return img;
}

static void page_size(VipsImage *img, struct ib_outcome *o)
{
    o->out_w = img->Xsize;
    o->out_h = vips_image_get_page_height(img);
}

/* ---- the direct JPEG path ---------------------------------------------- */

/* The colour handling the direct path does is the default one: none, or
 * (the plan's output profile then being "srgb") a tagged RGB image to sRGB
 * through its own profile. */
static int direct_colour_applies(const struct ib_settings *s)
{
    return !s->colour.input_profile && !s->colour.output_profile &&
           !s->colour.keep_profile && !s->colour.linear;
}

/* A JPEG to JPEG with nothing that needs the full pipeline: no colour
 * handling beyond the default, no metadata to keep, no page. Whether the
 * file is a plain JPEG, its header says (ib_jpeg_open). */
static int direct_jpeg_applies(const struct ib_resizer *r, int format)
{
    const struct ib_settings *s = r->s;
    return r->direct_jpeg &&
           (format == IB_FMT_FROM_LOADER || format == IB_FMT_JPEG) &&
           direct_colour_applies(s) && !s->keep_metadata && s->page <= 0;
}

/* The plan libvips' header would give (read_header), from libjpeg's. */
static void plan_from_jpeg(const struct ib_settings *s,
                           const struct ib_jpeg_header *h, struct plan *p,
                           struct ib_outcome *o)
{
    memset(p, 0, sizeof(*p));
    p->loader = "VipsForeignLoadJpeg";
    p->format = IB_FMT_JPEG;
    p->width = o->in_w = h->width;
    p->height = o->in_h = h->height;
    p->pages = 1;
    p->tagged = h->icc != NULL;
    p->bands = h->bands;
    p->output_profile = choose_output_profile(&s->colour, p);
    p->orientation = s->no_rotate ? 1 : h->orientation;
    resolve_target(s, p, p->orientation >= 5 && p->orientation <= 8);
}

static void direct_jpeg_job(const struct ib_resizer *r, const struct plan *p,
                            const struct ib_jpeg_header *h,
                            struct ib_jpeg_job *job)
{
    const struct ib_settings *s = r->s;
    const struct ib_encoder *e = &s->encoder;
    job->width = p->width;
    job->height = p->height;
    job->orientation = p->orientation;
    job->target = p->target;
    job->crop = interesting_for(s->crop);
    job->to_srgb = p->output_profile != NULL;
    job->intent = intent_for(s->colour.intent);
    job->srgb = r->srgb;
    job->resizes = r->resizes;
    job->icc = h->icc;
    job->icc_len = h->icc_len;
    job->encoding.quality = s->quality;
    job->encoding.progressive = e->jpeg_progressive > 0;
    job->encoding.optimize = e->jpeg_optimize > 0;
    /* libvips' automatic mode: 4:2:0 below quality 90. */
    job->encoding.subsample = e->jpeg_subsample == IB_SUBSAMPLE_AUTO
                                  ? s->quality < 90
                                  : e->jpeg_subsample == IB_SUBSAMPLE_ON;
}

/* The direct path on in: its header read once, by libjpeg, for the plan
 * and the decode. IB_DIRECT_DONE with *pl holding the encoded bytes;
 * IB_DIRECT_FAILED when the plan refused the file (reported in *o);
 * IB_DIRECT_DECLINED when libvips must do the file. */
enum direct_result { IB_DIRECT_DONE, IB_DIRECT_FAILED, IB_DIRECT_DECLINED };

static enum direct_result direct_jpeg(struct ib_resizer *r, int format,
                                      const struct ib_jpeg_input *in,
                                      struct payload *pl, struct ib_outcome *o)
{
    if (!direct_jpeg_applies(r, format))
        return IB_DIRECT_DECLINED;
    struct ib_jpeg_header h;
    struct ib_jpeg_reader *jpeg = ib_jpeg_open(in, &h);
    if (!jpeg)
        return IB_DIRECT_DECLINED;
    struct plan p;
    plan_from_jpeg(r->s, &h, &p, o);
    enum direct_result res = IB_DIRECT_FAILED;
    if (check_pixels(r->s, &p, o) == 0) {
        struct ib_jpeg_job job;
        direct_jpeg_job(r, &p, &h, &job);
        res = ib_jpeg_path_run(&job, jpeg, &pl->bytes, &pl->len, &o->out_w,
                               &o->out_h) == 0
                  ? IB_DIRECT_DONE
                  : IB_DIRECT_DECLINED;
    }
    ib_jpeg_close(jpeg);
    if (res == IB_DIRECT_DONE)
        o->pipeline = IB_PIPELINE_DIRECT_JPEG;
    return res;
}

/* 0 when the direct path wrote the output or failed the file (both
 * final); -1 when libvips must do the file. */
static int try_direct_jpeg(struct ib_resizer *r, int fd,
                           const struct ib_task *t, struct ib_outcome *o)
{
    struct ib_jpeg_input in = {NULL, 0, fd};
    struct payload pl = {0};
    enum direct_result res = direct_jpeg(r, t->format, &in, &pl, o);
    if (res == IB_DIRECT_DECLINED)
        return -1;
    if (res == IB_DIRECT_DONE && write_output(r, &pl, t->output, o) == 0)
        o->status = IB_STATUS_OK;
    free(pl.bytes);
    return 0;
}

/* ---- one file ---------------------------------------------------------- */

static long long now_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void resize_fd(struct ib_resizer *r, int fd, const struct ib_task *t,
                      struct ib_outcome *o)
{
    VipsSource *src = vips_source_new_from_descriptor(fd);
    if (!src) {
        fail_with_vips_error(r, o);
        return;
    }
    struct input in = {src, NULL};
    struct plan p;
    if (plan(r, &in, t->format, &p, o) == 0) {
        VipsImage *img = resize_planned(r, &in, &p, o);
        struct payload pl = {img, p.format, NULL, 0};
        if (img && write_output(r, &pl, t->output, o) == 0) {
            o->status = IB_STATUS_OK;
            o->pipeline = IB_PIPELINE_LIBVIPS;
            page_size(img, o);
        }
        if (img)
            g_object_unref(img);
    }
    if (in.blob)
        vips_area_unref(VIPS_AREA(in.blob));
    g_object_unref(src);
}

/* The savers of these formats are in modules loaded on first need. */
static void load_saver(struct ib_resizer *r, int format)
{
    if (format == IB_FMT_AVIF || format == IB_FMT_HEIC || format == IB_FMT_JXL)
        load_more_modules(r);
}

void ib_resize_file(struct ib_resizer *r, const struct ib_task *t,
                    struct ib_outcome *o)
{
    long long start = now_usec();
    load_saver(r, t->format);
    memset(o, 0, sizeof(*o));
    o->status = IB_STATUS_FAILED;
    r->last_warning[0] = '\0';
    int fd = open_input(t->input, o);
    if (fd >= 0) {
        if (is_input_itself(fd, t->output))
            fail_with(o, "output '%s' is the input itself%s", t->output, "");
        else if (try_direct_jpeg(r, fd, t, o) != 0)
            resize_fd(r, fd, t, o);
        close(fd);
    }
    o->usec = now_usec() - start;
}

static int resize_memory_with_libvips(struct ib_resizer *r, const void *data,
                                      size_t len, int format,
                                      struct ib_outcome *o)
{
    VipsSource *src = vips_source_new_from_memory(data, len);
    if (!src) {
        fail_with_vips_error(r, o);
        return -1;
    }
    struct input in = {src, NULL};
    struct plan p;
    VipsImage *img = NULL;
    int rc = plan(r, &in, format, &p, o);
    if (rc == 0 && (img = resize_planned(r, &in, &p, o))) {
        VipsTarget *target = vips_target_new_to_memory();
        rc = ib_encode(r->s, img, p.format, target);
        if (rc != 0)
            fail_with_vips_error(r, o);
        else
            page_size(img, o);
        g_object_unref(target);
        g_object_unref(img);
    } else {
        rc = -1;
    }
    if (in.blob)
        vips_area_unref(VIPS_AREA(in.blob));
    g_object_unref(src);
    return rc;
}

int ib_resize_memory(struct ib_resizer *r, const void *data, size_t len,
                     int format, struct ib_outcome *o)
{
    load_saver(r, format);
    memset(o, 0, sizeof(*o));
    r->last_warning[0] = '\0';
    /* The direct path first, as for a file; libvips when it declines. */
    struct ib_jpeg_input direct = {data, len, -1};
    struct payload pl = {0};
    enum direct_result res = direct_jpeg(r, format, &direct, &pl, o);
    free(pl.bytes);
    if (res != IB_DIRECT_DECLINED)
        return res == IB_DIRECT_DONE ? 0 : -1;
    return resize_memory_with_libvips(r, data, len, format, o);
}
