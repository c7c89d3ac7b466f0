/*
 * mtl.h — libmtl, the "Market to Lead" / "Lead to Cash" library.
 *
 * The documented entry point: include this header and link -lmtl
 * (pkg-config --cflags --libs mtl).  Each area also has its own
 * self-contained header under <mtl/...>.
 */
#ifndef MTL_H
#define MTL_H

#include "mtl/common.h"
#include "mtl/status.h"
#include "mtl/date.h"
#include "mtl/stage.h"
#include "mtl/market.h"
#include "mtl/segment.h"
#include "mtl/customer.h"
#include "mtl/lead.h"
#include "mtl/io.h"
#include "mtl/json.h"
#include "mtl/funnel.h"
#include "mtl/forecast.h"
#include "mtl/targets.h"
#include "mtl/score.h"
#include "mtl/looks.h"
#include "mtl/pain.h"
#include "mtl/strategy.h"
#include "mtl/grading.h"
#include "mtl/verification.h"

#endif /* MTL_H */
