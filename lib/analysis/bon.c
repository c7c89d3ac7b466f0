/* bon.c: BON pain scoring (pain.h, SPEC 5, docs/methods/bon.md).
 *
 * BON is libmtl's definition, not the seed's: the seed (000) says "use the
 * BON model to identify segment customers' needs and pains" and stops
 * there.  Pains sit on a layer ("B" business, "O" operation, "N" network,
 * or a host's own), and
 *
 *     pain score       = severity x urgency x breadth x (0.5 + 0.5 x budget)
 *     addressable pain = pain score x fit
 *     pain index       = 100 x Σ addressable / (25 x pains)
 *
 * 25 is the largest pain score (5 x 5 x 1 x 1), so the index is 0 ... 100.
 * score_pain() is the one place a pain is scored: the report and
 * mtl__pain_index() (segment priority, lead verification) call it, so they
 * agree bit for bit.
 *
 * The inputs are read through the public getters only; every string a
 * report shows is copied into its arena, so it outlives the market. */
#include <stdlib.h>
#include <string.h>

#include "analysis/bon.h"
#include "core/versioned.h"
#include "market/internal.h"

/* ---- one pain ---------------------------------------------------------- */

/* t[0..1]: the score's terms, t[2]: the addressable pain's term. */
static void score_pain(const mtl_pain *p, mtl_term t[3], mtl_score *score,
                       mtl_score *addressable)
{
    double sub = p->severity * p->urgency * p->breadth;
    /* s·u·b × (0.5 + 0.5 × budget) = 0.5·s·u·b + (0.5·s·u·b) × budget: two
     * terms, so the budget's part shows on its own */
    mtl__term_set(&t[0], "severity*urgency*breadth", 0.5, sub);
    mtl__term_set(&t[1], "budget", 0.5 * sub, p->budget);
    mtl__score_set(score, t, 2);
    mtl__term_set(&t[2], "pain_score", p->fit, score->value);
    mtl__score_set(addressable, t + 2, 1);
}

static size_t pain_count(const mtl_segment *s, const mtl_customer *c)
{
    return s ? mtl_segment_pain_count(s) : c ? mtl_customer_pain_count(c) : 0;
}

static mtl_status pain_at(const mtl_segment *s, const mtl_customer *c, size_t i,
                          mtl_pain *out)
{
    mtl_status st = mtl_pain_init(out, sizeof *out);
    if (st)
        return st;
    return s ? mtl_segment_pain_at(s, i, out) : mtl_customer_pain_at(c, i, out);
}

/* The weight of each pain in the index: 100 / (25 n). */
static double index_weight(size_t n) { return 100.0 / (25.0 * (double)n); }

mtl_status mtl__pain_index(mtl_score *out, mtl__explain *e,
                           const mtl_segment *segment,
                           const mtl_customer *customer)
{
    size_t n = pain_count(segment, customer), i;
    mtl_term *terms, t[3];
    mtl_score score, addr;
    mtl_pain p;
    mtl_status st;
    double w;
    mtl__score_set(out, NULL, 0);
    if (n == 0)
        return MTL_OK;
    if (!(terms = mtl__explain_terms(e, n)))
        return mtl__error_oom();
    w = index_weight(n);
    for (i = 0; i < n; i++) {
        const char *text;
        if ((st = pain_at(segment, customer, i, &p)) != MTL_OK)
            return st;
        if (!(text = mtl__explain_strdup(e, p.text)))
            return mtl__error_oom();
        score_pain(&p, t, &score, &addr);
        mtl__term_set(&terms[i], text, w, addr.value);
    }
    mtl__score_set(out, terms, n);
    return MTL_OK;
}

/* ---- the report -------------------------------------------------------- */

typedef struct bon_group {
    mtl_bon_group pub;
    mtl_bon_pain *pains;   /* ranked */
    mtl_bon_layer *layers; /* "B", "O", "N", then the others by name */
} bon_group;

struct mtl_bon {
    mtl__report base; /* the allocator copy and the arena */
    size_t ngroups;
    bon_group *groups;
};

MTL_API mtl_status mtl_bon_options_init(mtl_bon_options *options, size_t struct_size)
{
    return mtl__struct_init(options, struct_size, sizeof *options, "mtl_bon_options");
}

/* "B" < "O" < "N" < any other layer, the others bytewise. */
static int layer_rank(const char *l)
{
    if (!strcmp(l, MTL_LAYER_BUSINESS))
        return 0;
    if (!strcmp(l, MTL_LAYER_OPERATION))
        return 1;
    if (!strcmp(l, MTL_LAYER_NETWORK))
        return 2;
    return 3;
}

static int layer_cmp(const char *a, const char *b)
{
    int ra = layer_rank(a), rb = layer_rank(b);
    if (ra != rb)
        return ra < rb ? -1 : 1;
    return ra == 3 ? strcmp(a, b) : 0;
}

/* Pains by layer, then order added (so a layer's points sum left to right
 * in the order of the index's terms). */
static int by_layer(const void *a, const void *b)
{
    const mtl_bon_pain *x = *(const mtl_bon_pain *const *)a;
    const mtl_bon_pain *y = *(const mtl_bon_pain *const *)b;
    int c = layer_cmp(x->layer, y->layer);
    if (c)
        return c;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Ranked: addressable pain, then pain score (both descending), then order
 * added. */
static int by_rank(const void *a, const void *b)
{
    const mtl_bon_pain *x = a, *y = b;
    if (x->addressable.value != y->addressable.value)
        return x->addressable.value > y->addressable.value ? -1 : 1;
    if (x->score.value != y->score.value)
        return x->score.value > y->score.value ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

static mtl_status build_layers(mtl_bon *r, bon_group *g)
{
    size_t n = g->pub.pain_count, i, j, nl = 0;
    const mtl_term *terms = g->pub.index.terms;
    mtl_bon_pain **order = mtl__alloc_array(&r->base.alloc, n, sizeof *order);
    if (!order)
        return mtl__error_oom();
    for (i = 0; i < n; i++)
        order[i] = &g->pains[i];
    qsort(order, n, sizeof *order, by_layer);
    for (i = 0; i < n; i++)
        if (i == 0 || layer_cmp(order[i - 1]->layer, order[i]->layer))
            nl++;
    g->layers = mtl__explain_alloc(&r->base.e, nl * sizeof *g->layers);
    if (!g->layers) {
        mtl__free(&r->base.alloc, order, n * sizeof *order);
        return mtl__error_oom();
    }
    g->pub.layer_count = nl;
    for (i = 0, j = 0; i < n; i++) {
        mtl_bon_layer *l;
        if (i > 0 && !layer_cmp(order[i - 1]->layer, order[i]->layer)) {
            l = &g->layers[j - 1];
        } else {
            l = &g->layers[j++];
            l->struct_size = sizeof *l;
            l->layer = order[i]->layer;
        }
        l->pain_count++;
        l->addressable += order[i]->addressable.value;
        l->index_points += terms[order[i]->index].contribution;
    }
    mtl__free(&r->base.alloc, order, n * sizeof *order);
    return MTL_OK;
}

/* One segment's (customer NULL) or customer's group. */
static mtl_status build_group(mtl_bon *r, bon_group *g, const mtl_segment *s,
                              const mtl_customer *c)
{
    mtl__explain *e = &r->base.e;
    size_t n = pain_count(s, c), i;
    mtl_term *index_terms = NULL;
    mtl_status st;
    mtl_segment *cs = c ? mtl_customer_segment(c) : NULL;

    g->pub.struct_size = sizeof g->pub;
    g->pub.owner = s ? MTL_PAIN_OWNER_SEGMENT : MTL_PAIN_OWNER_CUSTOMER;
    g->pub.id = mtl__explain_strdup(e, s ? mtl_segment_id(s) : mtl_customer_id(c));
    g->pub.name = mtl__explain_strdup(e, s ? mtl_segment_name(s) : mtl_customer_name(c));
    g->pub.segment_id = mtl__explain_strdup(e, cs ? mtl_segment_id(cs) : "");
    if (!g->pub.id || !g->pub.name || !g->pub.segment_id)
        return mtl__error_oom();
    g->pub.pain_count = n;
    if (n == 0) {
        mtl__score_set(&g->pub.index, NULL, 0);
        return MTL_OK;
    }
    g->pains = mtl__explain_alloc(e, n * sizeof *g->pains);
    index_terms = mtl__explain_terms(e, n);
    if (!g->pains || !index_terms)
        return mtl__error_oom();
    for (i = 0; i < n; i++) {
        mtl_bon_pain *row = &g->pains[i];
        mtl_term *t = mtl__explain_terms(e, 3);
        mtl_pain p;
        if ((st = pain_at(s, c, i, &p)) != MTL_OK)
            return st;
        row->struct_size = sizeof *row;
        row->index = i;
        row->layer = mtl__explain_strdup(e, p.layer);
        row->text = mtl__explain_strdup(e, p.text);
        if (!t || !row->layer || !row->text)
            return mtl__error_oom();
        row->severity = p.severity;
        row->urgency = p.urgency;
        row->breadth = p.breadth;
        row->budget = p.budget;
        row->fit = p.fit;
        row->role = p.role;
        score_pain(&p, t, &row->score, &row->addressable);
    }
    /* the index exactly as mtl__pain_index makes it */
    for (i = 0; i < n; i++)
        mtl__term_set(&index_terms[i], g->pains[i].text, index_weight(n),
                      g->pains[i].addressable.value);
    mtl__score_set(&g->pub.index, index_terms, n);
    if ((st = build_layers(r, g)) != MTL_OK)
        return st;
    qsort(g->pains, n, sizeof *g->pains, by_rank);
    for (i = 0; i < n; i++)
        g->pains[i].rank = i + 1;
    return MTL_OK;
}

MTL_API mtl_status mtl_bon_compute(mtl_bon **out, const mtl_market *market,
                                   const mtl_bon_options *options)
{
    const mtl_segment *s;
    const mtl_customer *c;
    mtl__report *base;
    mtl_bon *r;
    size_t n = 0, g = 0;
    int all = 0;
    mtl_status st = MTL_OK;
    if (out)
        *out = NULL;
    if (!out)
        return mtl__error_null("out");
    if (!market)
        return mtl__error_null("market");
    if (options) {
        if ((st = mtl__struct_check(options->struct_size, sizeof *options,
                                    "mtl_bon_options")))
            return st;
        all = options->include_empty != 0;
    }
    for (s = mtl_segment_next(market, NULL); s; s = mtl_segment_next(market, s))
        n += all || mtl_segment_pain_count(s) > 0;
    for (c = mtl_customer_next(market, NULL); c; c = mtl_customer_next(market, c))
        n += all || mtl_customer_pain_count(c) > 0;

    if ((st = mtl__report_create(&base, market, sizeof *r)) != MTL_OK)
        return st;
    r = (mtl_bon *)base;
    if (n > 0 && !(r->groups = mtl__explain_alloc(&r->base.e, n * sizeof *r->groups)))
        st = mtl__error_oom();
    for (s = mtl_segment_next(market, NULL); st == MTL_OK && s;
         s = mtl_segment_next(market, s))
        if (all || mtl_segment_pain_count(s) > 0)
            st = build_group(r, &r->groups[g++], s, NULL);
    for (c = mtl_customer_next(market, NULL); st == MTL_OK && c;
         c = mtl_customer_next(market, c))
        if (all || mtl_customer_pain_count(c) > 0)
            st = build_group(r, &r->groups[g++], NULL, c);
    if (st != MTL_OK) {
        mtl__report_destroy(&r->base, sizeof *r);
        return st;
    }
    r->ngroups = g;
    *out = r;
    return MTL_OK;
}

MTL_API void mtl_bon_destroy(mtl_bon *bon)
{
    if (bon)
        mtl__report_destroy(&bon->base, sizeof *bon);
}

MTL_API size_t mtl_bon_group_count(const mtl_bon *bon)
{
    return bon ? bon->ngroups : 0;
}

/* The checks every reader makes, up to the group's range. */
static mtl_status check_read(const mtl_bon *bon, size_t group, const void *out,
                             size_t size, const char *name)
{
    return mtl__report_read(bon, "bon", out, size, name, group,
                            bon ? bon->ngroups : 0, "group");
}

MTL_API mtl_status mtl_bon_group_at(const mtl_bon *bon, size_t group,
                                    mtl_bon_group *out)
{
    mtl_status st = check_read(bon, group, out, sizeof *out, "mtl_bon_group");
    if (st)
        return st;
    *out = bon->groups[group].pub;
    return MTL_OK;
}

MTL_API mtl_status mtl_bon_layer_at(const mtl_bon *bon, size_t group, size_t layer,
                                    mtl_bon_layer *out)
{
    const bon_group *g;
    mtl_status st = check_read(bon, group, out, sizeof *out, "mtl_bon_layer");
    if (st)
        return st;
    g = &bon->groups[group];
    if ((st = mtl__report_range(layer, g->pub.layer_count, "layer")) != MTL_OK)
        return st;
    *out = g->layers[layer];
    return MTL_OK;
}

MTL_API mtl_status mtl_bon_pain_at(const mtl_bon *bon, size_t group, size_t k,
                                   mtl_bon_pain *out)
{
    const bon_group *g;
    mtl_status st = check_read(bon, group, out, sizeof *out, "mtl_bon_pain");
    if (st)
        return st;
    g = &bon->groups[group];
    if ((st = mtl__report_range(k, g->pub.pain_count, "pain")) != MTL_OK)
        return st;
    *out = g->pains[k];
    return MTL_OK;
}
