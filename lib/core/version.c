#include "mtl/common.h"

#define MTL__STR2(x) #x
#define MTL__STR(x) MTL__STR2(x)

MTL_API const char *mtl_version_string(void)
{
    return MTL__STR(MTL_VERSION_MAJOR) "." MTL__STR(MTL_VERSION_MINOR) "." MTL__STR(
        MTL_VERSION_PATCH);
}

MTL_API int32_t mtl_version_number(void) { return MTL_VERSION_NUMBER; }
