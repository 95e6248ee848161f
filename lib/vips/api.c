/* SPDX-License-Identifier: MIT */
/* The vips module's one entry point (vipsmodule.h): the table the binary
 * finds with dlsym() after loading imgbatch-vips.so. */
#include <vips/vips.h>

#include "about.h"
#include "compare.h"
#include "imgbatch/vipsmodule.h"
#include "worker.h"

/* imgbatch compare: one image pair, in the calling process. */
static int start_for_compare(void)
{
    if (VIPS_INIT("imgbatch"))
        return -1;
    vips_concurrency_set(1);
    vips_block_untrusted_set(TRUE);
    return 0;
}

/* Exported: the only symbol the binary looks up. */
__attribute__((visibility("default"))) const struct ib_vips_api ib_vips_api = {
    .version = IB_VIPS_API_VERSION,
    .worker_main = ib_worker_main,
    .start = start_for_compare,
    .compare_files = ib_compare_files,
    .about = ib_vips_about,
};
