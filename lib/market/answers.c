/* Lead verification answers (verification.h): a side table beside the
 * lead columns, so that leads without answers (nearly all of a large
 * market) pay one pointer per chunk, not per lead. */
#include <math.h>
#include <string.h>

#include "market/internal.h"

static const char *const criterion_names[MTL_CRIT_COUNT] = {
    "strategic_fit", "real_need",  "acceptable_risk",   "urgent_need",
    "procurement",   "budget",     "timeline",          "relationship",
    "value_proposition", "solution_maturity", "key_team", "competition"};

MTL_API const char *mtl_criterion_name(int32_t criterion)
{
    return criterion >= 0 && criterion < MTL_CRIT_COUNT ? criterion_names[criterion]
                                                        : NULL;
}

MTL_API int32_t mtl_criterion_question(int32_t criterion)
{
    if (criterion < 0 || criterion >= MTL_CRIT_COUNT)
        return 0;
    return criterion <= MTL_CRIT_ACCEPTABLE_RISK ? 1
           : criterion <= MTL_CRIT_TIMELINE      ? 2
                                                 : 3;
}

mtl_status mtl__answer_check(int32_t criterion, double score, const char *evidence)
{
    mtl_status st;
    char field[48];
    if (criterion < 0 || criterion >= MTL_CRIT_COUNT)
        return mtl__error(MTL_E_RANGE, "answer: criterion %d outside 0 ... %d",
                          (int)criterion, MTL_CRIT_COUNT - 1);
    /* "score of timeline": the CSV column and the criterion */
    memcpy(field, "score of ", 9);
    strcpy(field + 9, criterion_names[criterion]);
    if ((st = mtl__check_range(score, 0, 1, 1, "answer", field)))
        return st;
    return mtl__check_text(evidence, MTL_TEXT_MAX, 0, "answer", "evidence");
}

static void answers_release(mtl_market *m, mtl__answers *a)
{
    int k;
    for (k = 0; k < MTL_CRIT_COUNT; k++)
        mtl__strfree(&m->alloc, a->evidence[k]);
    mtl__free(&m->alloc, a, sizeof *a);
}

void mtl__answers_drop(mtl_market *m, uint32_t c, uint32_t i)
{
    mtl__answers *a = (mtl__answers *)mtl__answers_at(m, c, i);
    if (a) {
        answers_release(m, a);
        m->answers[c][i] = NULL;
    }
}

void mtl__answers_free(mtl_market *m)
{
    size_t c;
    uint32_t i;
    for (c = 0; c < m->answer_chunks; c++) {
        uint32_t cap = mtl__lead_chunk_capacity(c);
        if (!m->answers[c])
            continue;
        for (i = 0; i < cap; i++)
            if (m->answers[c][i])
                answers_release(m, m->answers[c][i]);
        mtl__free(&m->alloc, m->answers[c], cap * sizeof *m->answers[c]);
    }
    mtl__free(&m->alloc, m->answers, m->answer_chunks * sizeof *m->answers);
    m->answers = NULL;
    m->answer_chunks = 0;
}

/* The answers of lead i of chunk c, created on demand; NULL on failure
 * (reported). */
static mtl__answers *answers_of(mtl_market *m, uint32_t c, uint32_t i)
{
    if (c >= m->answer_chunks) {
        size_t n = (size_t)c + 1;
        void *p = mtl__realloc(&m->alloc, m->answers,
                               m->answer_chunks * sizeof *m->answers,
                               n * sizeof *m->answers);
        if (!p) {
            mtl__error_oom();
            return NULL;
        }
        m->answers = p;
        memset(m->answers + m->answer_chunks, 0,
               (n - m->answer_chunks) * sizeof *m->answers);
        m->answer_chunks = n;
    }
    if (!m->answers[c]) {
        m->answers[c] = mtl__alloc_zero(&m->alloc, mtl__lead_chunk_capacity(c) *
                                                       sizeof *m->answers[c]);
        if (!m->answers[c]) {
            mtl__error_oom();
            return NULL;
        }
    }
    if (!m->answers[c][i]) {
        mtl__answers *a = mtl__alloc_zero(&m->alloc, sizeof *a);
        int k;
        if (!a) {
            mtl__error_oom();
            return NULL;
        }
        for (k = 0; k < MTL_CRIT_COUNT; k++)
            a->score[k] = NAN;
        m->answers[c][i] = a;
    }
    return m->answers[c][i];
}

MTL_API mtl_status mtl_lead_set_answer(mtl_lead *lead, int32_t criterion,
                                       double score, const char *evidence)
{
    uint32_t i;
    mtl__lead_chunk *c;
    mtl_market *m;
    mtl__answers *a;
    mtl_status st;
    char *copy = NULL;
    if (!lead)
        return mtl__error_null("lead");
    c = mtl__lead_chunk_of(lead, &i);
    m = c->market;
    if (criterion < 0 || criterion >= MTL_CRIT_COUNT)
        return mtl__answer_check(criterion, score, evidence);
    if (isnan(score)) {
        a = (mtl__answers *)mtl__answers_at(m, c->index, i);
        if (a) {
            a->mask &= ~(1u << criterion);
            a->score[criterion] = NAN;
            mtl__strfree(&m->alloc, a->evidence[criterion]);
            a->evidence[criterion] = NULL;
            if (!a->mask)
                mtl__answers_drop(m, c->index, i);
        }
        return MTL_OK;
    }
    if ((st = mtl__answer_check(criterion, score, evidence)))
        return st;
    if (evidence && *evidence &&
        !(copy = mtl__strndup(&m->alloc, evidence, strlen(evidence))))
        return mtl__error_oom();
    if (!(a = answers_of(m, c->index, i))) {
        mtl__strfree(&m->alloc, copy);
        return MTL_E_NO_MEMORY;
    }
    mtl__strfree(&m->alloc, a->evidence[criterion]);
    a->evidence[criterion] = copy;
    a->score[criterion] = score;
    a->mask |= 1u << criterion;
    return MTL_OK;
}

MTL_API mtl_status mtl_lead_answer(const mtl_lead *lead, int32_t criterion,
                                   double *score, const char **evidence)
{
    uint32_t i;
    const mtl__lead_chunk *c;
    const mtl__answers *a;
    if (score)
        *score = NAN;
    if (evidence)
        *evidence = "";
    if (!lead)
        return mtl__error_null("lead");
    if (criterion < 0 || criterion >= MTL_CRIT_COUNT)
        return mtl__error(MTL_E_RANGE, "unknown criterion %d (0 ... %d)",
                          (int)criterion, MTL_CRIT_COUNT - 1);
    c = mtl__lead_chunk_of(lead, &i);
    a = mtl__answers_at(c->market, c->index, i);
    if (!a || !(a->mask & 1u << criterion))
        return MTL_E_NOT_FOUND;
    if (score)
        *score = a->score[criterion];
    if (evidence && a->evidence[criterion])
        *evidence = a->evidence[criterion];
    return MTL_OK;
}

MTL_API size_t mtl_lead_answer_count(const mtl_lead *lead)
{
    uint32_t i, mask;
    const mtl__lead_chunk *c;
    const mtl__answers *a;
    size_t n = 0;
    if (!lead)
        return 0;
    c = mtl__lead_chunk_of(lead, &i);
    a = mtl__answers_at(c->market, c->index, i);
    for (mask = a ? a->mask : 0; mask; mask &= mask - 1)
        n++;
    return n;
}

MTL_API mtl_status mtl_lead_clear_answers(mtl_lead *lead)
{
    uint32_t i;
    mtl__lead_chunk *c;
    if (!lead)
        return mtl__error_null("lead");
    c = mtl__lead_chunk_of(lead, &i);
    mtl__answers_drop(c->market, c->index, i);
    return MTL_OK;
}
