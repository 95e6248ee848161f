/* One file through libvips: open it ourselves (file names with '[' are never
 * parsed, a FIFO never blocks us), read the header (size limits before any
 * pixel is decoded), thumbnail with shrink-on-load, then encode into a temp
 * file beside the output and rename it into place.
 *
 * libvips is lazy: most decode errors (a truncated file) only surface while
 * the output is written, which is why the write goes to a temp file that is
 * unlinked on any error. fail_on=error makes truncation an error rather than
 * a grey-filled image. */
#define _POSIX_C_SOURCE 200809L
#include "imgbatch/resize.h"

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
#include "imgbatch/format.h"
#include "imgbatch/tempfile.h"

struct ib_resizer {
    const struct ib_settings *s;
    /* The last warning libvips or a codec logged while on this file: some
     * decoders fail with an empty error and say why only in a warning. */
    GMutex log_lock;
    char last_warning[256];
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

struct ib_resizer *ib_resizer_new(const struct ib_settings *s, char *err,
                                  size_t err_len)
{
    if (VIPS_INIT("imgbatch")) {
        snprintf(err, err_len, "cannot start libvips: %s", vips_error_buffer());
        return NULL;
    }
    struct ib_resizer *r = ib_xcalloc(1, sizeof(*r));
    r->s = s;
    g_mutex_init(&r->log_lock);
    g_log_set_default_handler(capture_log, r);
    /* Parallelism comes from the pool of processes; inside one, a second
     * thread only adds hand-offs. Each image is seen once: no cache. */
    vips_concurrency_set(1);
    vips_cache_set_max(0);
    /* ImageMagick's fallback loader runs far more code than we need on
     * untrusted files; vector formats run scripts and fetch resources. */
    vips_block_untrusted_set(TRUE);
    /* libvips 8.14 also flags its JPEG XL module untrusted (libjxl was
     * young then); imgbatch reads and writes JPEG XL by design, in a worker
     * that is isolated and limited anyway. */
    vips_operation_block_set("VipsForeignLoadJxl", FALSE);
    vips_operation_block_set("VipsForeignSaveJxl", FALSE);
    vips_operation_block_set("VipsForeignLoadSvg", TRUE);
    vips_operation_block_set("VipsForeignLoadPdf", TRUE);
    return r;
}

void ib_resizer_free(struct ib_resizer *r)
{
    if (!r)
        return;
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

static int check_pixels(const struct ib_settings *s, const VipsImage *h,
                        struct ib_outcome *o)
{
    long long pixels = (long long)h->Xsize * h->Ysize;
    if (!s->max_pixels || pixels <= s->max_pixels)
        return 0;
    o->status = IB_STATUS_FAILED;
    snprintf(o->error, sizeof(o->error),
             "image is %dx%d (%lld pixels), more than --max-pixels %lld",
             h->Xsize, h->Ysize, pixels, s->max_pixels);
    return -1;
}

/* Reads the header only, checks it, and works out the thumbnail target. */
static int plan(struct ib_resizer *r, VipsSource *src, struct ib_outcome *o,
                struct ib_target *t, const char **loader)
{
    *loader = vips_foreign_find_load_source(src);
    if (!*loader) {
        vips_error_clear();
        fail_with(o, "%s%s", "not an image format imgbatch can read", "");
        return -1;
    }
    VipsImage *h =
        vips_image_new_from_source(src, "", "access", VIPS_ACCESS_SEQUENTIAL,
                                   "fail_on", VIPS_FAIL_ON_ERROR, NULL);
    if (!h) {
        fail_with_vips_error(r, o);
        return -1;
    }
    o->in_w = h->Xsize;
    o->in_h = vips_image_get_page_height(h);
    int rc = check_pixels(r->s, h, o);
    int swap = !r->s->no_rotate && vips_image_get_orientation_swap(h);
    int dw = swap ? o->in_h : o->in_w;
    int dh = swap ? o->in_w : o->in_h;
    g_object_unref(h);
    ib_geometry_resolve(&r->s->geometry, dw, dh, r->s->crop != IB_CROP_NONE, t);
    return rc;
}

/* vips_thumbnail_source() does not hand its own fail_on to the loader (the
 * file variant does), so a truncated file would quietly become a grey-filled
 * thumbnail: the loader gets it through the option string instead. */
#define LOADER_OPTIONS "fail_on=error"

static VipsImage *thumbnail(struct ib_resizer *r, VipsSource *src,
                            const struct ib_target *t, struct ib_outcome *o)
{
    VipsImage *out = NULL;
    VipsInteresting crop =
        t->crop ? interesting_for(r->s->crop) : VIPS_INTERESTING_NONE;
    if (vips_thumbnail_source(src, &out, t->width, "height", t->height, "size",
                              size_for(t->size), "crop", crop, "no_rotate",
                              r->s->no_rotate, "fail_on", VIPS_FAIL_ON_ERROR,
                              "option_string", LOADER_OPTIONS, NULL) != 0) {
        fail_with_vips_error(r, o);
        return NULL;
    }
    return out;
}

/* Formats without alpha get the image flattened onto white. */
static VipsImage *fit_for_format(struct ib_resizer *r, VipsImage *in,
                                 int format, struct ib_outcome *o)
{
    if (ib_format_has_alpha(format) || !vips_image_hasalpha(in))
        return in;
    double white[4] = {255, 255, 255, 255};
    if (in->Type == VIPS_INTERPRETATION_GREY16 ||
        in->Type == VIPS_INTERPRETATION_RGB16)
        white[0] = white[1] = white[2] = 65535;
    VipsArrayDouble *bg = vips_array_double_new(white, in->Bands - 1);
    VipsImage *out = NULL;
    int rc = vips_flatten(in, &out, "background", bg, NULL);
    vips_area_unref(VIPS_AREA(bg));
    g_object_unref(in);
    if (rc != 0) {
        fail_with_vips_error(r, o);
        return NULL;
    }
    return out;
}

/* ---- encode ------------------------------------------------------------ */

static int format_from_loader(const char *loader, VipsImage *img)
{
    static const struct {
        const char *prefix;
        int format;
    } table[] = {
        {"jpegload", IB_FMT_JPEG}, {"pngload", IB_FMT_PNG},
        {"webpload", IB_FMT_WEBP}, {"tiffload", IB_FMT_TIFF},
        {"gifload", IB_FMT_GIF},   {"jxlload", IB_FMT_JXL},
    };
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
        if (vips_isprefix(table[i].prefix, loader))
            return table[i].format;
    if (vips_isprefix("heifload", loader)) {
        const char *compression = NULL;
        if (vips_image_get_typeof(img, "heif-compression") &&
            !vips_image_get_string(img, "heif-compression", &compression) &&
            strcmp(compression, "av1") == 0)
            return IB_FMT_AVIF;
        return IB_FMT_HEIC;
    }
    return IB_FMT_PNG;
}

static int save(const struct ib_settings *s, VipsImage *img, int format,
                VipsTarget *t)
{
    int q = s->quality;
    switch (format) {
    case IB_FMT_JPEG:
        return vips_jpegsave_target(img, t, "Q", q, "strip", TRUE, NULL);
    case IB_FMT_PNG: return vips_pngsave_target(img, t, "strip", TRUE, NULL);
    case IB_FMT_WEBP:
        return vips_webpsave_target(img, t, "Q", q, "strip", TRUE, NULL);
    case IB_FMT_AVIF:
        return vips_heifsave_target(img, t, "Q", q, "compression",
                                    VIPS_FOREIGN_HEIF_COMPRESSION_AV1, "strip",
                                    TRUE, NULL);
    case IB_FMT_HEIC:
        return vips_heifsave_target(img, t, "Q", q, "compression",
                                    VIPS_FOREIGN_HEIF_COMPRESSION_HEVC, "strip",
                                    TRUE, NULL);
    case IB_FMT_TIFF:
        return vips_tiffsave_target(img, t, "compression",
                                    VIPS_FOREIGN_TIFF_COMPRESSION_DEFLATE,
                                    "strip", TRUE, NULL);
    case IB_FMT_GIF: return vips_gifsave_target(img, t, "strip", TRUE, NULL);
    case IB_FMT_JXL:
        return vips_jxlsave_target(img, t, "Q", q, "strip", TRUE, NULL);
    default:
        vips_error("imgbatch", "unknown output format %d", format);
        return -1;
    }
}

/* Encodes into the open temp file; 0 when every byte reached it. */
static int encode_to_fd(struct ib_resizer *r, VipsImage *img, int format,
                        int fd, struct ib_outcome *o)
{
    VipsTarget *target = vips_target_new_to_descriptor(fd);
    if (!target) {
        fail_with_vips_error(r, o);
        return -1;
    }
    int rc = save(r->s, img, format, target);
    g_object_unref(target);
    if (rc != 0) {
        fail_with_vips_error(r, o);
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) == 0)
        o->out_bytes = (long long)st.st_size;
    return 0;
}

static void dir_of(const char *path, struct ib_buf *out)
{
    const char *slash = strrchr(path, '/');
    ib_buf_reset(out);
    if (slash)
        ib_buf_put(out, path, (size_t)(slash - path));
    else
        ib_buf_putc(out, '.');
    ib_buf_cstr(out);
}

static int write_output(struct ib_resizer *r, VipsImage *img, int format,
                        const char *output, struct ib_outcome *o)
{
    struct ib_buf tmp, dir;
    ib_buf_init(&tmp);
    ib_buf_init(&dir);
    dir_of(output, &dir);
    int rc = -1;
    if (r->s->outdir && ib_make_parent_dirs(output) != 0) {
        fail_with(o, "cannot create directory '%s': %s", ib_buf_cstr(&dir),
                  strerror(errno));
        goto out;
    }
    ib_temp_path(output, getpid(), &tmp);
    int fd = ib_temp_create(ib_buf_cstr(&tmp));
    if (fd < 0) {
        fail_with(o, "cannot write in '%s': %s", ib_buf_cstr(&dir),
                  strerror(errno));
        goto out;
    }
    rc = encode_to_fd(r, img, format, fd, o);
    if (close(fd) != 0 && rc == 0) {
        fail_with(o, "cannot write '%s': %s", output, strerror(errno));
        rc = -1;
    }
    if (rc == 0 && rename(ib_buf_cstr(&tmp), output) != 0) {
        fail_with(o, "cannot write '%s': %s", output, strerror(errno));
        rc = -1;
    }
    if (rc != 0)
        unlink(ib_buf_cstr(&tmp));
out:
    ib_buf_free(&tmp);
    ib_buf_free(&dir);
    return rc;
}

/* ---- one file ---------------------------------------------------------- */

static long long now_usec(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* Decodes and resizes; on success *format is settled (from the loader when
 * the task leaves it open). */
static VipsImage *decode(struct ib_resizer *r, VipsSource *src, int *format,
                         struct ib_outcome *o)
{
    struct ib_target t;
    const char *loader;
    if (plan(r, src, o, &t, &loader) != 0)
        return NULL;
    VipsImage *img = thumbnail(r, src, &t, o);
    if (!img)
        return NULL;
    if (*format == IB_FMT_FROM_LOADER)
        *format = format_from_loader(loader, img);
    return fit_for_format(r, img, *format, o);
}

static void resize_fd(struct ib_resizer *r, int fd, const struct ib_task *t,
                      struct ib_outcome *o)
{
    VipsSource *src = vips_source_new_from_descriptor(fd);
    if (!src) {
        fail_with_vips_error(r, o);
        return;
    }
    int format = t->format;
    VipsImage *img = decode(r, src, &format, o);
    if (img && write_output(r, img, format, t->output, o) == 0) {
        o->status = IB_STATUS_OK;
        o->out_w = img->Xsize;
        o->out_h = img->Ysize;
    }
    if (img)
        g_object_unref(img);
    g_object_unref(src);
}

void ib_resize_file(struct ib_resizer *r, const struct ib_task *t,
                    struct ib_outcome *o)
{
    long long start = now_usec();
    memset(o, 0, sizeof(*o));
    o->status = IB_STATUS_FAILED;
    r->last_warning[0] = '\0';
    int fd = open_input(t->input, o);
    if (fd >= 0) {
        if (is_input_itself(fd, t->output))
            fail_with(o, "output '%s' is the input itself%s", t->output, "");
        else
            resize_fd(r, fd, t, o);
        close(fd);
    }
    o->usec = now_usec() - start;
}

int ib_resize_memory(struct ib_resizer *r, const void *data, size_t len,
                     int format, struct ib_outcome *o)
{
    memset(o, 0, sizeof(*o));
    r->last_warning[0] = '\0';
    VipsSource *src = vips_source_new_from_memory(data, len);
    if (!src) {
        fail_with_vips_error(r, o);
        return -1;
    }
    VipsImage *img = decode(r, src, &format, o);
    g_object_unref(src);
    if (!img)
        return -1;
    VipsTarget *target = vips_target_new_to_memory();
    int rc = save(r->s, img, format, target);
    if (rc != 0)
        fail_with_vips_error(r, o);
    g_object_unref(target);
    o->out_w = img->Xsize;
    o->out_h = img->Ysize;
    g_object_unref(img);
    return rc;
}
