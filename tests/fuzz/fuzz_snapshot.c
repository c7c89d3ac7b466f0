/*
 * fuzz_snapshot.c: libFuzzer harness for mtl_market_read.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iinclude \
 *       tests/fuzz/fuzz_snapshot.c lib/.../libmtl.a -lm -o fuzz_snapshot
 *   ./fuzz_snapshot tests/fuzz/corpus/snapshot
 *
 * Each input is read twice: as it is (the frame, the CRC and every check
 * behind them must refuse it cleanly), and with its CRC32C recomputed, so
 * that mutations reach the section and value checks instead of stopping
 * at the checksum.  A market that loads must save and load again to the
 * same bytes (save(load(save(x))) == save(x)); anything else aborts.
 *
 * tests/fuzz/replay.c runs the corpus through the same function as a unit
 * test, without libFuzzer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mtl.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

typedef struct {
    unsigned char *p;
    size_t len, cap;
} buffer;

static int32_t buffer_write(const void *data, size_t len, void *user_data)
{
    buffer *b = user_data;
    if (b->len + len > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 4096;
        unsigned char *p;
        while (cap < b->len + len)
            cap *= 2;
        p = realloc(b->p, cap);
        if (!p)
            return 1;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, len);
    b->len += len;
    return 0;
}

/* CRC32C bit by bit (RFC 3720, B.4): independent of the library's. */
static uint32_t crc32c(const unsigned char *p, size_t n)
{
    uint32_t c = 0xffffffffu;
    size_t i;
    int k;
    for (i = 0; i < n; i++) {
        c ^= p[i];
        for (k = 0; k < 8; k++)
            c = c & 1 ? (c >> 1) ^ 0x82f63b78u : c >> 1;
    }
    return ~c;
}

static void check_stable(mtl_market *m)
{
    buffer a = {0}, b = {0};
    mtl_market *again = NULL;
    if (mtl_market_write(m, buffer_write, &a) != MTL_OK)
        abort();
    if (mtl_market_read(&again, a.p, a.len, NULL) != MTL_OK)
        abort(); /* what it wrote, it must read */
    if (mtl_market_write(again, buffer_write, &b) != MTL_OK)
        abort();
    if (a.len != b.len || memcmp(a.p, b.p, a.len) != 0)
        abort(); /* save(load(save(x))) == save(x) */
    mtl_market_unref(again);
    free(a.p);
    free(b.p);
}

static void read_one(const uint8_t *data, size_t size)
{
    mtl_market *m = NULL;
    mtl_status st = mtl_market_read(&m, data, size, NULL);
    if (st == MTL_OK) {
        if (!m)
            abort();
        check_stable(m);
        mtl_market_unref(m);
    } else if (m != NULL || (st != MTL_E_CORRUPT && st != MTL_E_VERSION &&
                             st != MTL_E_NO_MEMORY)) {
        abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    read_one(data, size);
    /* the same bytes with a valid checksum (only when they are framed
     * like a snapshot: at least the 24-byte header and the 4-byte CRC) */
    if (size >= 28 && size <= ((size_t)64 << 20)) {
        unsigned char *copy = malloc(size);
        uint32_t crc;
        if (!copy)
            return 0;
        memcpy(copy, data, size);
        crc = crc32c(copy + 24, size - 28);
        copy[size - 4] = (unsigned char)crc;
        copy[size - 3] = (unsigned char)(crc >> 8);
        copy[size - 2] = (unsigned char)(crc >> 16);
        copy[size - 1] = (unsigned char)(crc >> 24);
        read_one(copy, size);
        free(copy);
    }
    return 0;
}
