/*
 * libmtl — Market to Lead / Lead to Cash methods as a C library.
 *
 * common.h: export macro, version, allocator type and the handle types that
 * every other header refers to.  Compiles alone as C99 and as C++.
 */
#ifndef MTL_COMMON_H
#define MTL_COMMON_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32) && !defined(MTL_STATIC)
#  ifdef MTL_BUILDING
#    define MTL_API __declspec(dllexport)
#  else
#    define MTL_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define MTL_API __attribute__((visibility("default")))
#else
#  define MTL_API
#endif

#ifdef __cplusplus
#  define MTL_BEGIN_DECLS extern "C" {
#  define MTL_END_DECLS }
#else
#  define MTL_BEGIN_DECLS
#  define MTL_END_DECLS
#endif

MTL_BEGIN_DECLS

/** Major version of the headers this program was compiled against. */
#define MTL_VERSION_MAJOR 0
/** Minor version of the headers. */
#define MTL_VERSION_MINOR 1
/** Patch version of the headers. */
#define MTL_VERSION_PATCH 0
/** The header version as one number: major * 10000 + minor * 100 + patch. */
#define MTL_VERSION_NUMBER \
    (MTL_VERSION_MAJOR * 10000 + MTL_VERSION_MINOR * 100 + MTL_VERSION_PATCH)

/**
 * The version of the library that is running, as "MAJOR.MINOR.PATCH".
 * @return a static string; never NULL.
 * @since 0.1
 */
MTL_API const char *mtl_version_string(void);

/**
 * The version of the library that is running, as
 * major * 10000 + minor * 100 + patch (0.1.0 is 100).  Compare it with
 * MTL_VERSION_NUMBER to detect a header/library mismatch.
 * @since 0.1
 */
MTL_API int32_t mtl_version_number(void);

/**
 * Allocator, in the shape of Lua's lua_Alloc.
 *
 * - nsize == 0: free ptr (which may be NULL) and return NULL.
 * - ptr == NULL: allocate nsize bytes (osize is 0).
 * - otherwise: resize the block ptr of osize bytes to nsize bytes.
 *
 * Returning NULL for nsize > 0 means "out of memory"; the library then
 * reports MTL_E_NO_MEMORY and leaves its data as it was.  A shrinking
 * reallocation may fail too.  Blocks must be aligned for any C object type.
 */
typedef void *(*mtl_alloc_fn)(void *user_data, void *ptr, size_t osize,
                              size_t nsize);

/** A market: the container of segments, customers and leads. */
typedef struct mtl_market mtl_market;
/** A market segment (细分市场), owned by its market. */
typedef struct mtl_segment mtl_segment;
/** A customer account (客户), owned by its market. */
typedef struct mtl_customer mtl_customer;
/** A lead (线索) or opportunity (机会点), owned by its market. */
typedef struct mtl_lead mtl_lead;
/** A stage model under construction (see stage.h). */
typedef struct mtl_stage_model mtl_stage_model;

/** "No date": the value of every unset date field. */
#define MTL_DATE_NONE INT32_MIN

/** "No override": the value of an unset lead probability. */
#define MTL_PROBABILITY_NONE (-1.0)

MTL_END_DECLS

#endif /* MTL_COMMON_H */
