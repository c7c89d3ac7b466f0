/* funnel_counters.c: the per segment × stage counters the market keeps
 * current on every lead add, update and remove, so that one segment's
 * funnel reads in O(stages) (funnel.h, mtl_funnel_stages).
 *
 * A lead counts at its last stage by outcome (count and amount).  For the
 * "reached" rule a lead without history is counted once, at its last stage
 * (tail); reading sums the tails from the stage up (docs/methods/funnel.md),
 * so an add or update costs O(1).  A lead with history adds one visit per
 * stage it reached: O(events + stages).  The weighted amount of leads with
 * a probability override is kept exactly in 128-bit fixed point (p rounded
 * to 2^-32), so that taking a lead away restores the counters bit for bit
 * and a scan gives the same numbers as the counters. */
#include <math.h>
#include <string.h>

#include "market/internal.h"

/* amount × q (q <= 2^32) added to or taken from the 128-bit (hi, lo). */
static void fixed_add(uint64_t *hi, uint64_t *lo, int64_t amount, uint64_t q,
                      int64_t sign)
{
    uint64_t a = (uint64_t)amount;
    uint64_t low = (a & 0xffffffffu) * q; /* < 2^64 */
    uint64_t high = (a >> 32) * q;        /* < 2^63 */
    uint64_t p_hi = high >> 32, p_lo = high << 32, old;
    old = p_lo;
    p_lo += low;
    p_hi += p_lo < old;
    if (sign > 0) {
        old = *lo;
        *lo += p_lo;
        *hi += p_hi + (*lo < old);
    } else {
        old = *lo;
        *lo -= p_lo;
        *hi -= p_hi + (*lo > old);
    }
}

double mtl__funnel_cell_override_weight(const mtl__funnel_cell *cell)
{
    return (double)cell->ovr_hi * 4294967296.0 +
           (double)cell->ovr_lo / 4294967296.0;
}

uint64_t mtl__lead_reached(const mtl_market *m, const mtl__lead_chunk *c,
                           uint32_t i)
{
    uint64_t set = 0;
    int32_t s = c->stage[i], k;
    uint32_t e;
    if (c->history[i]) {
        for (e = c->history[i]; e; e = m->events[e - 1].next)
            set |= (uint64_t)1 << m->events[e - 1].stage;
        return set | (uint64_t)1 << s;
    }
    /* the "reached" rule: every ordinary stage up to the last one reached,
     * and that one (a lead at a lost-flagged stage is known to have
     * reached only that stage) */
    set = (uint64_t)1 << s;
    if (m->stages[s].flags & MTL_STAGE_FLAG_LOST)
        return set;
    for (k = 0; k < s; k++)
        if (!m->stages[k].flags)
            set |= (uint64_t)1 << k;
    return set;
}

void mtl__funnel_cell_add(const mtl_market *m, mtl__funnel_cell *cells,
                          const mtl__lead_chunk *c, uint32_t i, int64_t sign)
{
    int32_t s = c->stage[i], o = c->outcome[i];
    int64_t amount = c->amount[i];
    mtl__funnel_cell *cell = &cells[s];
    cell->n[o] += sign;
    cell->amount[o] += sign * amount;
    if (o == MTL_OUTCOME_OPEN && c->probability[i] >= 0.0) {
        uint64_t q = (uint64_t)llround(c->probability[i] * 4294967296.0);
        cell->ovr_amount += sign * amount;
        fixed_add(&cell->ovr_hi, &cell->ovr_lo, amount, q, sign);
    }
    if (!c->history[i] && !(m->stages[s].flags & MTL_STAGE_FLAG_LOST)) {
        cell->tail[o] += sign;
    } else {
        uint64_t set = mtl__lead_reached(m, c, i);
        int32_t k;
        for (k = 0; set; k++, set >>= 1)
            if (set & 1)
                cells[k].visit[o] += sign;
    }
}

void mtl__funnel_account(mtl_market *m, const mtl__lead_chunk *c, uint32_t i,
                         int64_t sign)
{
    uint32_t seg = c->segment[i];
    mtl__funnel_cell *cells =
        seg == MTL__NONE ? m->funnel_none : mtl__segment_at(m, seg)->funnel;
    mtl__funnel_cell_add(m, cells, c, i, sign);
    mtl__funnel_cell_add(m, m->funnel_total, c, i, sign);
}

mtl_status mtl__funnel_segment_init(mtl_market *m, mtl_segment *s)
{
    s->funnel = mtl__alloc_zero(&m->alloc,
                                (size_t)m->stage_count * sizeof *s->funnel);
    return s->funnel ? MTL_OK : mtl__error_oom();
}

void mtl__funnel_segment_free(mtl_market *m, mtl_segment *s)
{
    if (!s->funnel)
        return;
    mtl__free(&m->alloc, s->funnel, (size_t)m->stage_count * sizeof *s->funnel);
    s->funnel = NULL;
}

void mtl__funnel_rebuild(mtl_market *m)
{
    mtl_segment *s = NULL;
    size_t k;
    uint32_t i;
    memset(m->funnel_none, 0, sizeof m->funnel_none);
    memset(m->funnel_total, 0, sizeof m->funnel_total);
    while ((s = mtl__recs_next(&m->segments, s ? &s->rec : NULL)) != NULL)
        memset(s->funnel, 0, (size_t)m->stage_count * sizeof *s->funnel);
    for (k = 0; k < m->nchunks; k++) {
        const mtl__lead_chunk *c = m->chunks[k];
        for (i = 0; i < c->used; i++)
            if (c->outcome[i] != MTL__FREE_SLOT)
                mtl__funnel_account(m, c, i, 1);
    }
}
