/* crc32c.h: CRC32C (Castagnoli: reflected polynomial 0x82F63B78, initial
 * value and final xor 0xFFFFFFFF), the checksum of snapshots.  The same
 * CRC as iSCSI, ext4 metadata and SSE 4.2's crc32 instruction:
 * crc32c("123456789") = 0xE3069283. */
#ifndef MTL_CORE_CRC32C_H
#define MTL_CORE_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Extend crc, the CRC32C of some bytes (0 for none), by len more bytes:
 * mtl__crc32c(mtl__crc32c(0, a, n), b, m) is the CRC32C of a then b.
 * Uses the crc32 instruction where the CPU has it (x86-64 with SSE 4.2),
 * else slicing-by-8 tables; both give the same result. */
uint32_t mtl__crc32c(uint32_t crc, const void *data, size_t len);

/* The table version alone (the tests compare the two paths). */
uint32_t mtl__crc32c_portable(uint32_t crc, const void *data, size_t len);

#endif
