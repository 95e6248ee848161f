/* SPDX-License-Identifier: MIT */
/* libvips in a worker (startup.h). */
#include "startup.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

#include "imgbatch/fdio.h"
#include "imgbatch/memlimit.h"
#include "modules.h"

struct ib_vips {
    const struct ib_loaders *policy;
    struct ib_modules *modules; /* NULL: libvips loaded them (VIPSHOME) */
    /* The first warning libvips or a codec logged while on this file: the
     * root cause, as the first error is (what follows is its echo:
     * libvips' "error in tile 0 x 10"). */
    GMutex log_lock;
    char first_warning[256];
    long long memory_limit; /* --max-memory, 0 for none */
};

/* An error (glib ends the process after it: "failed to allocate N
 * bytes") or a critical (a bug's assertion) goes to stderr, which the
 * parent reads, on one line: the last one a dying worker says is its
 * file's reason. */
static void say_on_stderr(const gchar *domain, const gchar *message)
{
    char line[512];
    int n = snprintf(line, sizeof(line), "%s%s%s\n", domain ? domain : "",
                     domain ? ": " : "", message ? message : "");
    if (n <= 0)
        return;
    if ((size_t)n >= sizeof(line)) {
        n = (int)sizeof(line) - 1;
        line[n - 1] = '\n';
    }
    ib_write_all(2, line, (size_t)n);
}

static void capture_log(const gchar *domain, GLogLevelFlags level,
                        const gchar *message, gpointer data)
{
    struct ib_vips *v = data;
    if (level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL)) {
        say_on_stderr(domain, message);
        return;
    }
    /* Info and debug messages say what libvips is doing, not what went
     * wrong; only warnings can explain a failure. */
    if (!(level & G_LOG_LEVEL_WARNING))
        return;
    /* libvips' tile cache echoes a failure upstream of it. */
    if (message && vips_isprefix("error in tile ", message))
        return;
    g_mutex_lock(&v->log_lock);
    if (!v->first_warning[0])
        snprintf(v->first_warning, sizeof(v->first_warning), "%s",
                 message ? message : "");
    g_mutex_unlock(&v->log_lock);
}

void ib_vips_set_policy(const struct ib_loaders *l)
{
    /* Every operation libvips flags untrusted (ImageMagick's fallback,
     * OpenSlide, JPEG 2000, netpbm, ... and in 8.14 JPEG XL), by its flag,
     * not its name. */
    vips_block_untrusted_set(!l->allow_untrusted);
    /* Savers write pixels of our own making, not untrusted bytes: JPEG
     * XL is a format imgbatch writes whatever its loader's trust. */
    vips_operation_block_set("VipsForeignSaveJxl", FALSE);
    /* Vector formats can reference external resources and run a renderer
     * far more complex than a decoder: off unless asked for. */
    vips_operation_block_set("VipsForeignLoadSvg", !l->allow_svg);
    vips_operation_block_set("VipsForeignLoadPdf", !l->allow_pdf);
}

/* The tests' hook (testfault.h): libvips fails to start. */
static int test_fault_at_start(void)
{
    const char *spec = getenv("IMGBATCH_TEST_FAULT");
    if (!spec || strcmp(spec, "startup") != 0)
        return 0;
    vips_error("imgbatch", "IMGBATCH_TEST_FAULT=startup");
    return 1;
}

struct ib_vips *ib_vips_start(const struct ib_loaders *policy, int all_modules,
                              char *err, size_t err_len)
{
    struct ib_modules *modules = ib_modules_hold(policy);
    if (VIPS_INIT("imgbatch") || test_fault_at_start()) {
        const char *why = vips_error_buffer();
        snprintf(err, err_len, "cannot start libvips: %.*s",
                 (int)strcspn(why, "\n"), why);
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

/* libvips' error buffer is one for the process, and keeps what it is told
 * until cleared: a loader's warning (libjpeg's "Corrupt JPEG data" goes
 * there as well as to the log) stays after the file it was about is done,
 * and would be the first line, the reason given, of the next failure. */
void ib_vips_begin_file(struct ib_vips *v)
{
    vips_error_clear();
    g_mutex_lock(&v->log_lock);
    v->first_warning[0] = '\0';
    g_mutex_unlock(&v->log_lock);
}

void ib_vips_step_done(struct ib_vips *v)
{
    (void)v;
    vips_error_clear();
}

void ib_vips_note_memory_limit(struct ib_vips *v, long long bytes)
{
    v->memory_limit = bytes;
}

/* Under the limit, every failed allocation is the limit's doing, however
 * the library that met it put it: said as the limit (memlimit.h). */
static void explain_out_of_memory(const struct ib_vips *v, char *buf,
                                  size_t len)
{
    if (v->memory_limit > 0 && ib_memlimit_says_alloc_failed(buf))
        ib_memlimit_reason(v->memory_limit, buf, len);
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
                 v->first_warning[0]
                     ? v->first_warning
                     : "cannot decode (the decoder gave no reason)");
        g_mutex_unlock(&v->log_lock);
    }
    explain_out_of_memory(v, buf, len);
}

/* libvips 8.14's PNG saver says this whenever it cannot finish, its
 * pixels failing as much as its target. */
#define PNG_SAVER_ECHO "unable to write to target"

void ib_vips_save_reason(struct ib_vips *v, char *buf, size_t len)
{
    g_mutex_lock(&v->log_lock);
    char warning[sizeof(v->first_warning)];
    snprintf(warning, sizeof(warning), "%s", v->first_warning);
    g_mutex_unlock(&v->log_lock);
    ib_vips_reason(v, buf, len);
    if (warning[0] && strstr(buf, PNG_SAVER_ECHO))
        snprintf(buf, len, "%s", warning);
}

void ib_vips_fail(struct ib_vips *v, struct ib_outcome *o)
{
    o->status = IB_STATUS_FAILED;
    ib_vips_reason(v, o->error, sizeof(o->error));
}
