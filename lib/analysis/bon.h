/* bon.h: the pain index, shared by the BON report (bon.c), segment
 * priority (strategy.c) and lead verification (verification.c). */
#ifndef MTL_ANALYSIS_BON_H
#define MTL_ANALYSIS_BON_H

#include "analysis/explain.h"

/* The pain index of a segment's pains (customer NULL) or of a customer's
 * own pains (segment NULL), as pain.h defines it: one term per pain, in the
 * order added, allocated in e.  A NaN score with no terms when there are
 * no pains.  MTL_OK or MTL_E_NO_MEMORY (reported). */
mtl_status mtl__pain_index(mtl_score *out, mtl__explain *e,
                           const mtl_segment *segment,
                           const mtl_customer *customer);

#endif
