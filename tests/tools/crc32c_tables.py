#!/usr/bin/env python3
"""Print the slicing-by-8 tables of CRC32C (Castagnoli, reflected polynomial
0x82F63B78) as C, for lib/core/crc32c.c.  The tables are pasted there as
static const arrays (the library keeps no mutable global state):

    python3 tests/tools/crc32c_tables.py > /tmp/tables.inc

Table 0 is the classic byte-at-a-time table; table k gives the effect of a
byte followed by k zero bytes: t[k][b] = (t[k-1][b] >> 8) ^ t[0][t[k-1][b] & 0xff].
"""
POLY = 0x82F63B78


def main():
    t0 = []
    for b in range(256):
        c = b
        for _ in range(8):
            c = (c >> 1) ^ POLY if c & 1 else c >> 1
        t0.append(c)
    tables = [t0]
    for k in range(1, 8):
        prev = tables[k - 1]
        tables.append([(prev[b] >> 8) ^ t0[prev[b] & 0xFF] for b in range(256)])
    print("static const uint32_t crc32c_table[8][256] = {")
    for k, t in enumerate(tables):
        print("    {")
        for i in range(0, 256, 6):
            row = ", ".join("0x%08x" % v for v in t[i:i + 6])
            print("        " + row + ("," if i + 6 < 256 else ""))
        print("    }" + ("," if k < 7 else ""))
    print("};")


if __name__ == "__main__":
    main()
