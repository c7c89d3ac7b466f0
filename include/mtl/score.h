/*
 * score.h: scores that explain themselves (SPEC 4-7, docs/methods/).
 *
 * Every score libmtl computes for strategy and qualification -- look-item
 * rank, market attractiveness, competitive position, segment priority, pain
 * score and index, customer value, relationship, decision-chain coverage,
 * the three verification questions and lead priority -- comes as an
 * mtl_score: its value and the terms it is made of.  Each term is one
 * factor with the weight it gets, the value it had and its contribution
 * (weight x value, or as the method's document says).  The value is the
 * sum of the contributions taken left to right in double precision, so
 * summing them in order gives the value exactly, bit for bit.
 *
 * Both layouts are frozen (no struct_size): they are embedded in
 * size-versioned result structs.  The pointers belong to the report that
 * returned the score and stay valid until it is destroyed.
 */
#ifndef MTL_SCORE_H
#define MTL_SCORE_H

#include "common.h"

MTL_BEGIN_DECLS

/** One term of a score.  @since 0.1 */
typedef struct mtl_term {
    /** What the term is: a stable machine name such as "market_size" or
     *  "severity", or the text of the item behind it (a pain, a look item). */
    const char *factor;
    double weight;       /**< the weight the factor gets in the score */
    double value;        /**< the factor's value */
    double contribution; /**< its contribution to the score */
} mtl_term;

/** A score and its explanation.  @since 0.1 */
typedef struct mtl_score {
    /** The score: Σ terms[i].contribution, left to right.  NaN when the
     *  score has no inputs (then term_count is 0). */
    double value;
    const mtl_term *terms; /**< term_count terms, NULL when none */
    size_t term_count;
} mtl_score;

MTL_END_DECLS

#endif /* MTL_SCORE_H */
