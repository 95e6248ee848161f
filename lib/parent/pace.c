/* SPDX-License-Identifier: MIT */
#include "pace.h"

/* The mean follows the last few dozen files: a batch that turns from
 * icons to photos stops being paced within a few files. */
#define MEAN_WEIGHT 0.125
/* Results heard before the mean is trusted. */
#define MIN_SAMPLES 8

void ib_pace_note_result(struct ib_pace *pc, double seconds)
{
    if (seconds < 0)
        seconds = 0;
    pc->mean_s = pc->samples == 0
                     ? seconds
                     : pc->mean_s + MEAN_WEIGHT * (seconds - pc->mean_s);
    pc->samples++;
}

void ib_pace_note_claim(struct ib_pace *pc)
{
    pc->asked = 1;
}

static int is_quick(const struct ib_pace *pc)
{
    return !pc->asked && pc->samples >= MIN_SAMPLES &&
           pc->mean_s < PACE_QUICK_S;
}

int ib_pace_depth(const struct ib_pace *pc, size_t remaining, int workers)
{
    if (is_quick(pc) && remaining > (size_t)workers * PACE_DEEP)
        return PACE_DEEP;
    return PACE_SHALLOW;
}

/* Each worker must still have a file queued when the parent comes back:
 * the wait lasts as long as all but two of its files should take. */
double ib_pace_gather_s(const struct ib_pace *pc, int fewest)
{
    if (!is_quick(pc) || fewest <= PACE_SHALLOW)
        return 0;
    double wait = (fewest - PACE_SHALLOW) * pc->mean_s;
    return wait < PACE_GATHER_MAX_S ? wait : PACE_GATHER_MAX_S;
}
