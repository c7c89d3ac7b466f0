/*
 * segment.h: market segments (细分市场), optionally in a hierarchy.
 *
 * Segment handles are borrowed: owned by the market, valid until the segment
 * is removed or the market is released.
 */
#ifndef MTL_SEGMENT_H
#define MTL_SEGMENT_H

#include "market.h"

MTL_BEGIN_DECLS

/** Longest record id (segment, customer, lead), in bytes without the NUL. */
#define MTL_ID_MAX 4096

/**
 * Add a segment.
 * @param out    receives the new segment; may be NULL
 * @param market the market
 * @param id     the host's id: 1..MTL_ID_MAX bytes, unique among segments
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (NULL market or id, empty id);
 *         MTL_E_LIMIT (id too long); MTL_E_DUPLICATE; MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_segment_add(mtl_segment **out, mtl_market *market,
                                   const char *id);

/** The segment with this id, or NULL (O(1)).  @since 0.1 */
MTL_API mtl_segment *mtl_segment_find(const mtl_market *market, const char *id);

/**
 * Iterate: the segment after prev in storage order (prev NULL = first);
 * NULL at the end.  Storage order is insertion order until records are
 * removed; freed places are reused.
 * @since 0.1
 */
MTL_API mtl_segment *mtl_segment_next(const mtl_market *market,
                                      const mtl_segment *prev);

/**
 * Remove a segment.  Refused while customers, leads or child segments still
 * refer to it.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_IN_USE.
 * @since 0.1
 */
MTL_API mtl_status mtl_segment_remove(mtl_segment *segment);

/** The market that owns the segment (NULL for NULL).  @since 0.1 */
MTL_API mtl_market *mtl_segment_market(const mtl_segment *segment);
/** The segment's id (NULL for NULL).  @since 0.1 */
MTL_API const char *mtl_segment_id(const mtl_segment *segment);
/** The display name; "" until set (NULL for NULL).  @since 0.1 */
MTL_API const char *mtl_segment_name(const mtl_segment *segment);
/** The parent segment, or NULL.  @since 0.1 */
MTL_API mtl_segment *mtl_segment_parent(const mtl_segment *segment);

/**
 * Set the display name (copied; NULL clears).
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT; MTL_E_LIMIT; MTL_E_NO_MEMORY.
 * @since 0.1
 */
MTL_API mtl_status mtl_segment_set_name(mtl_segment *segment, const char *name);

/**
 * Set the parent (NULL = top level).  The parent must be in the same market
 * and must not be the segment itself or one of its descendants.
 * @return MTL_OK; MTL_E_INVALID_ARGUMENT (other market); MTL_E_STATE (cycle).
 * @since 0.1
 */
MTL_API mtl_status mtl_segment_set_parent(mtl_segment *segment,
                                          mtl_segment *parent);

MTL_END_DECLS

#endif /* MTL_SEGMENT_H */
