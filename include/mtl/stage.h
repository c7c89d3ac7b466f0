/*
 * stage.h: the sales stage model (the project funnel P0-P7 by default) and
 * the outcome, forecast-category and decision-cycle codes.
 */
#ifndef MTL_STAGE_H
#define MTL_STAGE_H

#include "status.h"

MTL_BEGIN_DECLS

/** Outcome of a lead. */
enum {
    MTL_OUTCOME_OPEN = 0, /**< still being worked */
    MTL_OUTCOME_WON = 1,  /**< closed won (赢单) */
    MTL_OUTCOME_LOST = 2  /**< closed lost (丢单) */
};

/** Forecast categories (Salesforce's algebra, SPEC 3.3). */
enum {
    MTL_CATEGORY_NONE = -1,     /**< no override: use the stage's default */
    MTL_CATEGORY_PIPELINE = 0,
    MTL_CATEGORY_BEST_CASE = 1,
    MTL_CATEGORY_COMMIT = 2,
    MTL_CATEGORY_CLOSED = 3,
    MTL_CATEGORY_OMITTED = 4
};

/** Stage flags. */
enum {
    MTL_STAGE_FLAG_WON = 1, /**< reaching this stage means the deal is won */
    MTL_STAGE_FLAG_LOST = 2 /**< a terminal "closed lost" stage */
};

/** The customer's decision cycle (客户决策循环, SPEC 2); 0 = not recorded. */
enum {
    MTL_DECISION_NONE = 0,
    MTL_DECISION_SATISFIED = 1,   /**< 满意 */
    MTL_DECISION_RECOGNITION = 2, /**< 认识 */
    MTL_DECISION_DECISION = 3,    /**< 决定 */
    MTL_DECISION_CRITERIA = 4,    /**< 制定标准 */
    MTL_DECISION_EVALUATION = 5,  /**< 评价 */
    MTL_DECISION_SELECTION = 6,   /**< 选择 */
    MTL_DECISION_REEVALUATION = 7 /**< 再评价 */
};

/** Most stages a model may have. */
#define MTL_STAGE_MAX 64
/** Longest stage name or phase text, in bytes without the NUL. */
#define MTL_STAGE_NAME_MAX 63

/**
 * Create an empty stage model to fill with mtl_stage_model_add.  The market
 * copies a model when it is created, so the model may be released right
 * after mtl_market_create.  A stage model is a plain value: it is not shared
 * and not reference-counted.
 * @param out receives the model (NULL on failure)
 * @param alloc allocator, or NULL for libc
 * @param alloc_user_data passed to alloc
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_stage_model_create(mtl_stage_model **out,
                                          mtl_alloc_fn alloc,
                                          void *alloc_user_data);

/**
 * Create a model holding the default P0-P7 project funnel (SPEC 2, seed
 * 001): P0 研究 research 10%, P1 分析 analysis 20%, P2 确认 confirmation 25%,
 * P3 寻求 seeking 30%, P4 细化 refinement 50%, P5 解决 resolution 75%,
 * P6 收场 closing 90%, P7 维护 maintenance 100% (flagged won).  Default
 * categories: P0-P3 pipeline, P4-P5 best case, P6 commit, P7 closed.
 * @since 0.1
 */
MTL_API mtl_status mtl_stage_model_create_default(mtl_stage_model **out,
                                                  mtl_alloc_fn alloc,
                                                  void *alloc_user_data);

/** Release a model; NULL is a no-op.  @since 0.1 */
MTL_API void mtl_stage_model_destroy(mtl_stage_model *model);

/**
 * Append a stage.  Stages are ordered by the order of the calls.
 * @param name        unique, 1..MTL_STAGE_NAME_MAX bytes of UTF-8
 * @param phase       free text (the seed's phase name) or NULL
 * @param probability default win probability in [0, 1]
 * @param category    MTL_CATEGORY_PIPELINE..MTL_CATEGORY_OMITTED
 * @param flags       0, MTL_STAGE_FLAG_WON or MTL_STAGE_FLAG_LOST
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL model or name, empty name);
 *         MTL_E_DUPLICATE (name exists); MTL_E_RANGE (probability,
 *         category or flags); MTL_E_LIMIT (more than MTL_STAGE_MAX stages,
 *         name too long); MTL_E_NO_MEMORY.  On failure the model is unchanged.
 * @since 0.1
 */
MTL_API mtl_status mtl_stage_model_add(mtl_stage_model *model, const char *name,
                                       const char *phase, double probability,
                                       int32_t category, int32_t flags);

/** Number of stages in the model (0 for NULL).  @since 0.1 */
MTL_API int32_t mtl_stage_model_count(const mtl_stage_model *model);

MTL_END_DECLS

#endif /* MTL_STAGE_H */
