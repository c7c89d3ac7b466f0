/* grading.h (internal): a customer's relationship score and decision-chain
 * coverage, shared by the customer report (grading.c) and the derived
 * "relationship" criterion of lead verification (verification.c), so that
 * both read the same numbers. */
#ifndef MTL_ANALYSIS_GRADING_H
#define MTL_ANALYSIS_GRADING_H

#include "analysis/explain.h"

/* Every decision role, 1 ... 7, as a bit set of 1 << MTL_ROLE_*. */
#define MTL__ROLES_ALL 0xfeu

/* The relationship score 0 ... 100 of the customer (grading.h): one term
 * per assessed dimension written to terms[MTL_REL_COUNT] (the caller's
 * storage, which out then points into).  NaN without terms when nothing is
 * assessed or the assessed weights sum to 0. */
void mtl__relationship_score(mtl_score *out, mtl_term *terms,
                             const mtl_customer *customer, const double *weights);

/* What the decision chain shows. */
typedef struct mtl__chain {
    size_t contacts, coaches;
    uint32_t supported, opposed; /* bits 1 << MTL_ROLE_* */
} mtl__chain;

/* The coverage 0 ... 1 of the counted roles (a non-empty subset of
 * MTL__ROLES_ALL): one term per counted role, in role order, written to
 * terms[7]; NaN without terms when the customer has no contacts.
 * MTL_OK or the error of reading a contact (reported). */
mtl_status mtl__coverage(mtl_score *out, mtl_term *terms, mtl__chain *chain,
                         const mtl_customer *customer, uint32_t roles);

#endif
