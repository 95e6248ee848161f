/* SPDX-License-Identifier: MIT */
/* libvips in a worker (startup.h). */
#include "startup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

#include "modules.h"

struct ib_vips {
    const struct ib_loaders *policy;
    struct ib_modules *modules; /* NULL: libvips loaded them (VIPSHOME) */
    /* The last warning libvips or a codec logged while on this file. */
    GMutex log_lock;
    char last_warning[256];
    long long memory_limit; /* --max-memory, 0 for none */
};

static void capture_log(const gchar *domain, GLogLevelFlags level,
                        const gchar *message, gpointer data)
{
    struct ib_vips *v = data;
    if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) {
        g_log_default_handler(domain, level, message, NULL);
        return;
    }
    /* Info and debug messages say what libvips is doing, not what went
     * wrong; only warnings can explain a failure. */
    if (!(level & G_LOG_LEVEL_WARNING))
        return;
    g_mutex_lock(&v->log_lock);
    snprintf(v->last_warning, sizeof(v->last_warning), "%s",
             message ? message : "");
    g_mutex_unlock(&v->log_lock);
}

void ib_vips_set_policy(const struct ib_loaders *l)
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

struct ib_vips *ib_vips_start(const struct ib_loaders *policy, int all_modules,
                              char *err, size_t err_len)
{
    struct ib_modules *modules = ib_modules_hold(policy);
    if (VIPS_INIT("imgbatch")) {
        snprintf(err, err_len, "cannot start libvips: %s", vips_error_buffer());
        ib_modules_free(modules);
        return NULL;
    }
    ib_modules_load_start(modules);
    if (all_modules)
        ib_modules_load_rest(modules);
    struct ib_vips *v = calloc(1, sizeof(*v));
    if (!v) {
        snprintf(err, err_len, "cannot start libvips: out of memory");
        ib_modules_free(modules);
        return NULL;
    }
    v->policy = policy;
    v->modules = modules;
    g_mutex_init(&v->log_lock);
    g_log_set_default_handler(capture_log, v);
    /* Parallelism comes from the pool of processes; inside one, a second
     * thread only adds hand-offs. Each image is seen once: no cache. */
    vips_concurrency_set(1);
    vips_cache_set_max(0);
    ib_vips_set_policy(policy);
    return v;
}

void ib_vips_stop(struct ib_vips *v)
{
    if (!v)
        return;
    ib_modules_free(v->modules);
    g_log_set_default_handler(g_log_default_handler, NULL);
    g_mutex_clear(&v->log_lock);
    free(v);
}

int ib_vips_load_more(struct ib_vips *v)
{
    if (!ib_modules_load_rest(v->modules))
        return 0;
    ib_vips_set_policy(v->policy);
    return 1;
}

void ib_vips_begin_file(struct ib_vips *v)
{
    v->last_warning[0] = '\0';
}

void ib_vips_note_memory_limit(struct ib_vips *v, long long bytes)
{
    v->memory_limit = bytes;
}

/* libvips says "out of memory" with no hint that a limit of ours caused
 * it. */
static void explain_out_of_memory(const struct ib_vips *v, char *buf,
                                  size_t len)
{
    size_t n = strlen(buf);
    if (v->memory_limit > 0 && strstr(buf, "out of memory") && n + 1 < len)
        snprintf(buf + n, len - n, " (over --max-memory %lld MiB)",
                 v->memory_limit >> 20);
}

void ib_vips_reason(struct ib_vips *v, char *buf, size_t len)
{
    const char *text = vips_error_buffer();
    size_t n = strcspn(text, "\n");
    snprintf(buf, len, "%.*s", (int)n, text);
    vips_error_clear();
    if (!n) {
        g_mutex_lock(&v->log_lock);
        snprintf(buf, len, "%s",
                 v->last_warning[0]
                     ? v->last_warning
                     : "cannot decode (the decoder gave no reason)");
        g_mutex_unlock(&v->log_lock);
    }
    explain_out_of_memory(v, buf, len);
}

void ib_vips_fail(struct ib_vips *v, struct ib_outcome *o)
{
    o->status = IB_STATUS_FAILED;
    ib_vips_reason(v, o->error, sizeof(o->error));
}
