/* SPDX-License-Identifier: MIT */
/* One file through libvips (resize.h): open it ourselves (file names with
 * '[' are never parsed, a FIFO never blocks us), try the direct JPEG path,
 * else plan from the header (plan.h), thumbnail with shrink-on-load,
 * prepare for the output format and write it (write.h).
 *
 * fail_on=error makes truncation an error rather than a grey-filled
 * image. */
#define _POSIX_C_SOURCE 200809L
#include "resize.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vips/vips.h>

#include "encode.h"
#include "imgbatch/alloc.h"
#include "imgbatch/clock.h"
#include "imgbatch/format.h"
#include "jpeg/direct.h"
#include "plan.h"
#include "startup.h"
#include "write.h"

struct ib_resizer {
    const struct ib_settings *s;
    struct ib_vips *vips;
    struct ib_direct *direct; /* NULL: the direct path is off */
};

/* ---- set-up ------------------------------------------------------------ */

struct ib_resizer *ib_resizer_new(const struct ib_settings *s, char *err,
                                  size_t err_len)
{
    /* --max-memory limits the address space from after start-up on, and
     * a module loaded later would count against it (libheif and its
     * codecs map tens of MB): under it, every allowed module now. */
    struct ib_vips *vips =
        ib_vips_start(&s->loaders, s->max_memory > 0, err, err_len);
    if (!vips)
        return NULL;
    struct ib_resizer *r = ib_xcalloc(1, sizeof(*r));
    r->s = s;
    r->vips = vips;
    r->direct = ib_direct_new(s);
    return r;
}

void ib_resizer_free(struct ib_resizer *r)
{
    if (!r)
        return;
    ib_direct_free(r->direct);
    ib_vips_stop(r->vips);
    free(r);
}

/* ---- input ------------------------------------------------------------- */

/* Opens without blocking on a FIFO and insists on a regular file. */
static int open_input(const char *path, struct ib_outcome *o)
{
    int fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        ib_outcome_fail(o, "%s", strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ib_outcome_fail(o, "not a regular file");
        close(fd);
        return -1;
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    o->in_bytes = (long long)st.st_size;
    if (st.st_size == 0) {
        ib_outcome_fail(o, "empty file");
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
                                          const struct ib_input *in,
                                          const struct ib_plan *p)
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
        p->target.crop ? ib_vips_interesting(s->crop) : VIPS_INTERESTING_NONE;
    vips_object_set(o, "width", p->target.width, "height", p->target.height,
                    "size", ib_vips_size(p->target.size), "crop", crop,
                    "no_rotate", s->no_rotate, "linear", s->colour.linear,
                    "intent", ib_vips_intent(s->colour.intent), "fail_on",
                    VIPS_FAIL_ON_ERROR, "option_string", options, NULL);
    set_string_if_given(op, "import_profile", p->input_profile);
    set_string_if_given(op, "export_profile", p->output_profile);
    return op;
}

static VipsImage *thumbnail(struct ib_resizer *r, const struct ib_input *in,
                            const struct ib_plan *p, struct ib_outcome *o)
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
        ib_vips_fail(r->vips, o);
    return out;
}

/* Resizes, ready for the plan's output format. */
static VipsImage *resize_planned(struct ib_resizer *r, struct ib_input *in,
                                 struct ib_plan *p, struct ib_outcome *o)
{
    VipsImage *img = thumbnail(r, in, p, o);
    if (img && !(img = ib_prepare_for_format(r->s, img, p->format)))
        ib_vips_fail(r->vips, o);
    return img;
}

static void page_size(VipsImage *img, struct ib_outcome *o)
{
    o->out_w = img->Xsize;
    o->out_h = vips_image_get_page_height(img);
}

/* ---- one file ---------------------------------------------------------- */

/* 0 when the direct path wrote the output or failed the file (both
 * final); -1 when libvips must do the file. */
static int try_direct_jpeg(struct ib_resizer *r, int fd,
                           const struct ib_task *t, struct ib_outcome *o)
{
    struct ib_jpeg_input in = {NULL, 0, fd};
    struct ib_payload pl = {0};
    enum ib_direct_result res =
        ib_direct_run(r->direct, t->format, &in, &pl, o);
    if (res == IB_DIRECT_DECLINED)
        return -1;
    if (res == IB_DIRECT_DONE &&
        ib_write_output(r->s, r->vips, &pl, t->output, o) == 0)
        o->status = IB_STATUS_OK;
    free(pl.bytes);
    return 0;
}

static void resize_fd(struct ib_resizer *r, int fd, const struct ib_task *t,
                      struct ib_outcome *o)
{
    VipsSource *src = vips_source_new_from_descriptor(fd);
    if (!src) {
        ib_vips_fail(r->vips, o);
        return;
    }
    struct ib_input in = {src, NULL};
    struct ib_plan p;
    if (ib_plan_read(r->s, r->vips, &in, t->format, &p, o) == 0) {
        VipsImage *img = resize_planned(r, &in, &p, o);
        struct ib_payload pl = {img, p.format, NULL, 0};
        if (img && ib_write_output(r->s, r->vips, &pl, t->output, o) == 0) {
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
        ib_vips_load_more(r->vips);
}

void ib_resize_file(struct ib_resizer *r, const struct ib_task *t,
                    struct ib_outcome *o)
{
    long long start = ib_now_usec();
    load_saver(r, t->format);
    memset(o, 0, sizeof(*o));
    o->status = IB_STATUS_FAILED;
    ib_vips_begin_file(r->vips);
    int fd = open_input(t->input, o);
    if (fd >= 0) {
        if (is_input_itself(fd, t->output))
            ib_outcome_fail(o, "output '%s' is the input itself", t->output);
        else if (try_direct_jpeg(r, fd, t, o) != 0)
            resize_fd(r, fd, t, o);
        close(fd);
    }
    o->usec = ib_now_usec() - start;
}

static int resize_memory_with_libvips(struct ib_resizer *r, const void *data,
                                      size_t len, int format,
                                      struct ib_outcome *o)
{
    VipsSource *src = vips_source_new_from_memory(data, len);
    if (!src) {
        ib_vips_fail(r->vips, o);
        return -1;
    }
    struct ib_input in = {src, NULL};
    struct ib_plan p;
    VipsImage *img = NULL;
    int rc = ib_plan_read(r->s, r->vips, &in, format, &p, o);
    if (rc == 0 && (img = resize_planned(r, &in, &p, o))) {
        VipsTarget *target = vips_target_new_to_memory();
        rc = ib_encode(r->s, img, p.format, target);
        if (rc != 0)
            ib_vips_fail(r->vips, o);
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
    ib_vips_begin_file(r->vips);
    /* The direct path first, as for a file; libvips when it declines. */
    struct ib_jpeg_input direct = {data, len, -1};
    struct ib_payload pl = {0};
    enum ib_direct_result res =
        ib_direct_run(r->direct, format, &direct, &pl, o);
    free(pl.bytes);
    if (res != IB_DIRECT_DECLINED)
        return res == IB_DIRECT_DONE ? 0 : -1;
    return resize_memory_with_libvips(r, data, len, format, o);
}
