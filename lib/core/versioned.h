/* versioned.h: the size-versioned public structs (struct_size first,
 * zero means default).  One place decides what sizes a version accepts:
 * when a field is appended, the minimum stays the first version's size. */
#ifndef MTL_CORE_VERSIONED_H
#define MTL_CORE_VERSIONED_H

#include <string.h>

#include "core/error.h"

/* Zero the struct and set its struct_size (the first field), after checking
 * the caller's size.  Returns MTL_OK or MTL_E_INVALID_ARGUMENT/VERSION. */
static inline mtl_status mtl__struct_init(void *s, size_t given, size_t size,
                                          const char *name)
{
    if (!s)
        return mtl__error(MTL_E_INVALID_ARGUMENT, "%s is NULL", name);
    if (given < size)
        return mtl__error(MTL_E_VERSION, "%s: struct_size %zu, expected %zu", name,
                          given, size);
    memset(s, 0, size);
    memcpy(s, &size, sizeof size);
    return MTL_OK;
}

/* Check the struct_size a caller filled in (call <name>_init first). */
static inline mtl_status mtl__struct_check(size_t struct_size, size_t size,
                                           const char *name)
{
    if (struct_size < size)
        return mtl__error(MTL_E_VERSION,
                          "%s: struct_size %zu unknown (call %s_init)", name,
                          struct_size, name);
    return MTL_OK;
}

#endif
