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

void mtl__funnel_cell_override(mtl__funnel_cell *cell, int64_t amount, double p,
                               int64_t sign)
{
    uint64_t q = (uint64_t)llround(p * 4294967296.0);
    cell->ovr_amount = sign > 0 ? mtl__wrap_add(cell->ovr_amount, amount)
                                : mtl__wrap_sub(cell->ovr_amount, amount);
    fixed_add(&cell->ovr_hi, &cell->ovr_lo, amount, q, sign);
}

void mtl__funnel_cell_visits(const mtl_market *m, mtl__funnel_cell *cells,
                             const mtl__lead_chunk *c, uint32_t i, int64_t sign)
{
    uint64_t set = mtl__lead_reached(m, c, i);
    int32_t k, o = c->outcome[i];
    for (k = 0; set; k++, set >>= 1)
        if (set & 1)
            cells[k].visit[o] += sign;
}

/* The cells of the segment at slot seg (MTL__NONE: the leads without). */
static inline mtl__funnel_cell *cells_of(mtl_market *m, uint32_t seg)
{
    return seg == MTL__NONE ? m->funnel_none
                            : m->funnel_segments + (size_t)seg * (size_t)m->stage_count;
}

void mtl__funnel_account(mtl_market *m, const mtl__lead_chunk *c, uint32_t i,
                         int64_t sign)
{
    mtl__funnel_cell_add(m, cells_of(m, c->segment[i]), c, i, sign);
    mtl__funnel_cell_add(m, m->funnel_total, c, i, sign);
}

void mtl__funnel_account_run(mtl_market *m, const mtl__lead_chunk *c, uint32_t from,
                             uint32_t to)
{
    uint32_t i;
    for (i = from; i < to; i++)
        mtl__funnel_account(m, c, i, 1);
}

mtl_status mtl__funnel_segment_init(mtl_market *m, const mtl_segment *s)
{
    size_t S = (size_t)m->stage_count, need = (size_t)s->rec.slot + 1;
    if (need > m->funnel_slots) {
        size_t slots = m->funnel_slots ? m->funnel_slots : 16;
        mtl__funnel_cell *cells;
        while (slots < need)
            slots *= 2;
        cells = mtl__realloc(&m->alloc, m->funnel_segments,
                             m->funnel_slots * S * sizeof *cells,
                             slots * S * sizeof *cells);
        if (!cells)
            return mtl__error_oom();
        m->funnel_segments = cells;
        m->funnel_slots = slots;
    }
    /* a reused slot: its leads were all gone before the removal */
    memset(mtl__funnel_of(m, s), 0, S * sizeof *m->funnel_segments);
    return MTL_OK;
}

void mtl__funnel_free(mtl_market *m)
{
    mtl__free(&m->alloc, m->funnel_segments,
              m->funnel_slots * (size_t)m->stage_count * sizeof *m->funnel_segments);
    m->funnel_segments = NULL;
    m->funnel_slots = 0;
}

void mtl__funnel_rebuild(mtl_market *m)
{
    size_t k;
    uint32_t i;
    memset(m->funnel_none, 0, sizeof m->funnel_none);
    memset(m->funnel_total, 0, sizeof m->funnel_total);
    if (m->funnel_segments)
        memset(m->funnel_segments, 0,
               m->funnel_slots * (size_t)m->stage_count * sizeof *m->funnel_segments);
    for (k = 0; k < m->nchunks; k++) {
        const mtl__lead_chunk *c = m->chunks[k];
        for (i = 0; i < c->used; i++)
            if (c->outcome[i] != MTL__FREE_SLOT)
                mtl__funnel_account(m, c, i, 1);
    }
}
