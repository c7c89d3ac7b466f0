/*
 * verification.h: lead verification and classification (SPEC 7, seed 002
 * 管理线索; docs/methods/lead-verification.md).
 *
 * Three questions, each answered by sub-criteria scored 0 ... 1 with
 * evidence:
 *  1. Is it a lead?  strategic fit, real need, acceptable risk.
 *  2. How far are we?  urgent business need, clear procurement process,
 *     budget, timeline.
 *  3. Can we win?  relationship, value-proposition difference, solution
 *     maturity, key team available, competitive situation.
 * Unanswered "urgent need" is taken from the pain index of the lead's
 * customer (else its segment) / 100, and unanswered "relationship" from
 * the customer's relationship score, decision-chain coverage and coach.
 *
 * Verdict: close when question 1 fails hard (a question-1 criterion at or
 * below the hard-fail level), convert when all three questions pass their
 * thresholds, otherwise nurture -- always with the reasons.  Class: mature
 * when the budget criterion passes, else early.  A priority score orders
 * the leads for the weekly lead review.
 */
#ifndef MTL_VERIFICATION_H
#define MTL_VERIFICATION_H

#include "lead.h"
#include "score.h"

MTL_BEGIN_DECLS

/** Sub-criteria (question 1: 0-2, question 2: 3-6, question 3: 7-11). */
enum {
    MTL_CRIT_STRATEGIC_FIT = 0,
    MTL_CRIT_REAL_NEED = 1,
    MTL_CRIT_ACCEPTABLE_RISK = 2,
    MTL_CRIT_URGENT_NEED = 3,
    MTL_CRIT_PROCUREMENT = 4,
    MTL_CRIT_BUDGET = 5,
    MTL_CRIT_TIMELINE = 6,
    MTL_CRIT_RELATIONSHIP = 7,
    MTL_CRIT_VALUE_PROPOSITION = 8,
    MTL_CRIT_SOLUTION_MATURITY = 9,
    MTL_CRIT_KEY_TEAM = 10,
    MTL_CRIT_COMPETITION = 11,
    MTL_CRIT_COUNT = 12
};

/** Machine name of a criterion ("strategic_fit" ...), NULL out of range.
 *  @since 0.1 */
MTL_API const char *mtl_criterion_name(int32_t criterion);
/** The question (1, 2, 3) a criterion answers, 0 out of range.  @since 0.1 */
MTL_API int32_t mtl_criterion_question(int32_t criterion);

/**
 * Record the answer to one criterion for a lead.
 * @param score     0 ... 1; NaN removes the answer
 * @param evidence  NULL or up to 4096 bytes
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_RANGE (criterion, score);
 *         MTL_E_LIMIT; MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_lead_set_answer(mtl_lead *lead, int32_t criterion,
                                       double score, const char *evidence);
/**
 * Read an answer.  *score is NaN and *evidence "" when unanswered.
 * Either out pointer may be NULL.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_RANGE; MTL_E_NOT_FOUND
 *         (unanswered).
 * @since 0.1
 */
MTL_API mtl_status mtl_lead_answer(const mtl_lead *lead, int32_t criterion,
                                   double *score, const char **evidence);
/** Number of criteria answered for the lead.  @since 0.1 */
MTL_API size_t mtl_lead_answer_count(const mtl_lead *lead);
/** Remove every answer of the lead.  @since 0.1 */
MTL_API mtl_status mtl_lead_clear_answers(mtl_lead *lead);

/** Verdicts. */
enum {
    MTL_VERDICT_NURTURE = 0, /**< keep and develop (培育) */
    MTL_VERDICT_CONVERT = 1, /**< convert to an opportunity (转化) */
    MTL_VERDICT_CLOSE = 2    /**< close the lead (关闭) */
};

/** Classes. */
enum {
    MTL_LEAD_CLASS_EARLY = 0, /**< no budget yet: early opportunity (早期商机) */
    MTL_LEAD_CLASS_MATURE = 1 /**< budget: mature opportunity (成熟商机) */
};

/** Which leads a review takes. */
enum {
    MTL_REVIEW_PENDING = 0, /**< status new or nurture (default) */
    MTL_REVIEW_ALL = 1      /**< every lead */
};

/** Options (size-versioned: mtl_verification_options_init). */
typedef struct mtl_verification_options {
    size_t struct_size;
    /** Criterion weights inside their question: 1 each.  >= 0; a question
     *  whose weights sum to 0 is refused. */
    double weights[MTL_CRIT_COUNT];
    /** Pass thresholds of questions 1, 2, 3: 0.6, 0.5, 0.5, in [0, 1]. */
    double pass[3];
    /** A question-1 criterion answered at or below this fails hard: 0.2. */
    double hard_fail;
    /** Budget at or above this makes the lead mature: 0.5. */
    double budget_mature;
    /** Priority weights of questions 1, 2, 3 and of the deal size (amount
     *  / the largest amount reviewed): 0.2, 0.3, 0.3, 0.2.  >= 0, not all 0. */
    double priority_weights[4];
    int32_t scope;          /**< MTL_REVIEW_*; default pending */
} mtl_verification_options;

/** Defaults and struct_size.  @since 0.1 */
MTL_API mtl_status mtl_verification_options_init(mtl_verification_options *options,
                                                 size_t struct_size);

/** Bits of mtl_lead_verdict.derived. */
#define MTL_DERIVED_URGENT_NEED (1u << MTL_CRIT_URGENT_NEED)
#define MTL_DERIVED_RELATIONSHIP (1u << MTL_CRIT_RELATIONSHIP)

/** One lead's verification. */
typedef struct mtl_lead_verdict {
    size_t struct_size;       /**< set by the caller */
    const char *id;
    const char *customer_id;  /**< "" when none */
    const char *segment_id;   /**< "" when none */
    size_t rank;              /**< 1-based review order */
    int64_t amount;
    /** Questions 1-3, 0 ... 1: one term per criterion of the question
     *  (answered or derived), weight w / Σw of those; 0 with no terms when
     *  nothing is known. */
    mtl_score questions[3];
    int32_t verdict;          /**< MTL_VERDICT_* */
    int32_t lead_class;       /**< MTL_LEAD_CLASS_* */
    /** 0 ... 100: terms "q1", "q2", "q3", "size" with weight 100 x w / Σw. */
    mtl_score priority;
    /** The reasons, "; "-separated, e.g. "q1 0.83 >= 0.60; q2 0.40 < 0.50
     *  (procurement 0.20)". */
    const char *reasons;
    uint32_t answered;        /**< bits 1 << MTL_CRIT_* answered */
    uint32_t derived;         /**< MTL_DERIVED_* bits used */
} mtl_lead_verdict;

/** A computed review: a plain value that copies what it shows. */
typedef struct mtl_verification mtl_verification;

/**
 * Verify the leads in scope and order them for the review (priority
 * descending, then id).
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_VERSION; MTL_E_RANGE;
 *         MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_verification_compute(mtl_verification **out,
                                            const mtl_market *market,
                                            const mtl_verification_options *options);
/** Release; NULL is a no-op.  @since 0.1 */
MTL_API void mtl_verification_destroy(mtl_verification *review);
/** Number of leads reviewed.  @since 0.1 */
MTL_API size_t mtl_verification_count(const mtl_verification *review);
/** Read the lead in review position i.  @since 0.1 */
MTL_API mtl_status mtl_verification_at(const mtl_verification *review, size_t i,
                                       mtl_lead_verdict *out);

MTL_END_DECLS

#endif /* MTL_VERIFICATION_H */
