#!/usr/bin/env python3
"""Decode a libmtl snapshot (docs/formats.md, "Snapshot") and print what it
holds: an implementation of the format independent of lib/io/snapshot.c,
for reading files by hand and for checking the documentation against the
library.

    python3 tests/tools/snapshot_dump.py market.mtl [--rows N]

Exit status 0 when the file is well-formed, 1 (with the reason) when not.
It checks the frame, the CRC32C and the layout of every section; the value
ranges are the library's business.
"""
import struct
import sys

DATE_MIN = -719162
SECTIONS = ["MRKT", "STGE", "STRS", "SEGS", "CUST", "LEAD", "ATTR", "HIST"]
# version 2: the strategy inputs follow
SECTIONS_V2 = SECTIONS + ["SINP", "CINP", "ANSW"]
CRITERIA = ["strategic_fit", "real_need", "acceptable_risk", "urgent_need",
            "procurement", "budget", "timeline", "relationship",
            "value_proposition", "solution_maturity", "key_team", "competition"]
LEAD_COLUMNS = ["customer", "segment", "owner", "region", "source", "stage",
                "outcome", "status", "category+1", "decision", "amount",
                "probability", "created", "expected_close", "closed"]
CUSTOMER_COLUMNS = ["segment", "region", "owner", "revenue", "investment",
                    "participation", "grade"]


class Bad(Exception):
    pass


def crc32c(data):
    table = []
    for b in range(256):
        c = b
        for _ in range(8):
            c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
        table.append(c)
    c = 0xFFFFFFFF
    for b in data:
        c = (c >> 8) ^ table[(c ^ b) & 0xFF]
    return c ^ 0xFFFFFFFF


class Reader:
    def __init__(self, data, name):
        self.d, self.p, self.name = data, 0, name

    def left(self):
        return len(self.d) - self.p

    def take(self, n):
        if n > self.left():
            raise Bad("%s: %d bytes wanted, %d left" % (self.name, n, self.left()))
        b = self.d[self.p:self.p + n]
        self.p += n
        return b

    def uint(self, n):
        return int.from_bytes(self.take(n), "little")

    def strings(self, n):
        length = self.uint(8)
        block = self.take(length)
        parts = block.split(b"\0")
        if (length == 0) != (n == 0) or (length and block[-1] != 0) \
                or len(parts) - 1 != n:
            raise Bad("%s: string block of %d bytes does not hold %d strings"
                      % (self.name, length, n))
        return [s.decode("utf-8", "replace") for s in parts[:-1]]

    def column(self, n, min_width=0):
        width, base = self.uint(1), self.uint(8)
        if width > 8 or (n and width < min_width):
            raise Bad("%s: column width %d" % (self.name, width))
        raw = self.take(n * width)
        return [(base + int.from_bytes(raw[i * width:(i + 1) * width], "little"))
                & 0xFFFFFFFFFFFFFFFF for i in range(n)], width, base

    def table(self, n, ncols):
        """Rows of records: ncols (width, base) headers, then n rows."""
        heads = []
        for _ in range(ncols):
            width, base = self.uint(1), self.uint(8)
            if width > 8:
                raise Bad("%s: column width %d" % (self.name, width))
            heads.append((width, base))
        rows = []
        for _ in range(n):
            row = []
            for width, base in heads:
                row.append((base + self.uint(width)) & 0xFFFFFFFFFFFFFFFF)
            rows.append(row)
        return rows, [w for w, _ in heads]

    def text(self):
        """u32 length, bytes (no NUL)."""
        b = self.take(self.uint(4))
        if b"\0" in b:
            raise Bad("%s: a NUL inside a text" % self.name)
        return b.decode("utf-8", "replace")

    def f64(self):
        return f64(self.uint(8))

    def end(self):
        if self.left():
            raise Bad("%s: %d trailing bytes" % (self.name, self.left()))


def i64(v):
    return v - (1 << 64) if v >> 63 else v


def f64(bits):
    return struct.unpack("<d", bits.to_bytes(8, "little"))[0]


def day(code):
    return None if code == 0 else code - 1 + DATE_MIN


def dump(data, rows):
    if len(data) < 28 or data[:8] != b"MTLSNAP\0":
        raise Bad("not a snapshot (magic or size)")
    version, flags, length = struct.unpack_from("<IIQ", data, 8)
    print("version %d, flags %d, content %d bytes" % (version, flags, length))
    if version not in (1, 2) or flags != 0:
        raise Bad("version %d / flags %d unknown" % (version, flags))
    if length != len(data) - 28:
        raise Bad("content length %d, file holds %d" % (length, len(data) - 28))
    content = data[24:24 + length]
    stored = int.from_bytes(data[-4:], "little")
    if crc32c(content) != stored:
        raise Bad("CRC32C mismatch: %08x stored %08x" % (crc32c(content), stored))
    print("crc32c %08x ok" % stored)
    r = Reader(content, "content")
    sections = {}
    order = []
    while r.left():
        tag = r.take(4).decode("latin-1")
        payload = r.take(r.uint(8))
        print("section %s: %d bytes" % (tag, len(payload)))
        if tag in (SECTIONS_V2 if version == 2 else SECTIONS):
            sections[tag] = payload
            order.append(tag)
        elif not ("a" <= tag[0] <= "z"):
            raise Bad("unknown required section %r" % tag)
    want = SECTIONS_V2 if version == 2 else SECTIONS
    if order != want:
        raise Bad("sections %s, expected %s" % (order, want))

    s = Reader(sections["MRKT"], "MRKT")
    print("  minor_per_major", s.uint(8))
    s.end()
    s = Reader(sections["STGE"], "STGE")
    for i in range(s.uint(4)):
        name = s.take(s.uint(1)).decode()
        phase = s.take(s.uint(1)).decode()
        prob, cat, flg = f64(s.uint(8)), s.uint(4), s.uint(4)
        print("  stage %d %r phase %r p=%r category %d flags %d"
              % (i, name, phase, prob, cat, flg))
    s.end()
    s = Reader(sections["STRS"], "STRS")
    n = s.uint(8)
    pool = [""] + s.strings(n)
    s.end()
    print("  %d pooled strings" % n, pool[1:rows + 1])
    s = Reader(sections["SEGS"], "SEGS")
    n = s.uint(8)
    ids, names = s.strings(n), s.strings(n)
    table, widths = s.table(n, 1)
    s.end()
    print("  %d segments; parent width %d" % (n, widths[0]))
    for i in range(min(n, rows)):
        parent = table[i][0]
        print("    %r name %r parent %s" % (ids[i], names[i],
                                          ids[parent - 1] if parent else "-"))
    s = Reader(sections["CUST"], "CUST")
    ncust = s.uint(8)
    ids, names = s.strings(ncust), s.strings(ncust)
    table, widths = s.table(ncust, len(CUSTOMER_COLUMNS))
    s.end()
    print("  %d customers; widths %s" % (ncust, dict(zip(CUSTOMER_COLUMNS, widths))))
    for i in range(min(ncust, rows)):
        v = dict(zip(CUSTOMER_COLUMNS, table[i]))
        v["participation"] = f64(v["participation"])
        print("    %r name %r" % (ids[i], names[i]), v)
    s = Reader(sections["LEAD"], "LEAD")
    nleads = s.uint(8)
    lead_ids = s.strings(nleads)
    cols = {c: s.column(nleads) for c in LEAD_COLUMNS}
    s.end()
    print("  %d leads; widths %s" % (nleads, {c: cols[c][1] for c in cols}))
    for i in range(min(nleads, rows)):
        v = {c: cols[c][0][i] for c in cols}
        v["probability"] = f64(v["probability"])
        for c in ("created", "expected_close", "closed"):
            v[c] = day(v[c])
        for c in ("owner", "region", "source"):
            v[c] = pool[v[c]] if v[c] < len(pool) else "?%d" % v[c]
        print("    %r" % lead_ids[i], v)
    s = Reader(sections["ATTR"], "ATTR")
    for k in range(s.uint(4)):
        key = s.uint(4)
        vals, w, b = s.column(nleads)
        print("  attribute %r (width %d):" % (pool[key] if key < len(pool) else key, w),
              [pool[x] if x < len(pool) else x for x in vals[:rows]])
    s.end()
    s = Reader(sections["HIST"], "HIST")
    nev = s.uint(8)
    counts, _, _ = s.column(nleads)
    days, _, _ = s.column(nev, 1)
    stages, _, _ = s.column(nev, 1)
    s.end()
    if sum(counts) != nev:
        raise Bad("HIST: counts add up to %d, %d events" % (sum(counts), nev))
    print("  %d history events" % nev)
    e = 0
    for i in range(min(nleads, rows)):
        if counts[i]:
            print("    %r:" % lead_ids[i],
                  [(day(days[e + k]), stages[e + k]) for k in range(counts[i])])
        e += counts[i]
    if version == 2:
        dump_inputs(sections, rows)


def pains(s):
    out = []
    for _ in range(s.uint(4)):
        out.append({"layer": s.text(), "text": s.text(), "severity": s.f64(),
                    "urgency": s.f64(), "breadth": s.f64(), "budget": s.f64(),
                    "fit": s.f64(), "role": s.uint(1)})
    return out


def references(s, what):
    """The entries' references rise: one entry per record."""
    prev = [0]

    def ref():
        r = s.uint(4)
        if r <= prev[0]:
            raise Bad("%s: reference %d after %d" % (what, r, prev[0]))
        prev[0] = r
        return r
    return ref


def segment_inputs(s, flags):
    v = {}
    if flags & 1:
        v["factors"] = {"market_size": i64(s.uint(8)), "growth": s.f64(),
                        "profit_potential": s.f64(),
                        "forces": [s.f64() for _ in range(5)],
                        "strategic_value": s.f64(), "revenue": i64(s.uint(8)),
                        "gross_margin": s.f64(), "share_goal": s.f64(),
                        "growth_goal": s.f64(),
                        "weights": [s.f64() for _ in range(8)]}
    v["looks"] = [{"look": s.uint(1), "impact": s.f64(), "likelihood": s.f64(),
                   "window": s.uint(4), "text": s.text(), "evidence": s.text()}
                  for _ in range(s.uint(4))]
    v["appeals"] = [{"competitor": s.text(), "ratings": [s.f64() for _ in range(8)]}
                    for _ in range(s.uint(4))]
    v["control_points"] = [{"kind": s.uint(1), "attainability": s.f64(),
                            "text": s.text()} for _ in range(s.uint(4))]
    v["pains"] = pains(s)
    return v


def customer_inputs(s, flags):
    v = {}
    if flags & 1:
        v["relationship"] = [s.f64() for _ in range(6)]
    v["pains"] = pains(s)
    v["contacts"] = [{"name": s.text(), "title": s.text(), "role": s.uint(1),
                      "attitude": s.uint(1), "coach": s.uint(1)}
                     for _ in range(s.uint(4))]
    return v


def answers(s, mask):
    return {CRITERIA[q]: (s.f64(), s.text()) for q in range(12) if mask >> q & 1}


def entries(sections, tag, what, rows, flag_bytes, read):
    """u64 n, then n entries: a rising u32 reference, flags, the values."""
    s = Reader(sections[tag], tag)
    n = s.uint(8)
    ref = references(s, tag)
    print("  %d %s" % (n, what))
    for i in range(n):
        r, flags = ref(), s.uint(flag_bytes)
        v = read(s, flags)
        if i < rows:
            print("    %d:" % r, v)
    s.end()


def dump_inputs(sections, rows):
    entries(sections, "SINP", "segments with inputs", rows, 1, segment_inputs)
    entries(sections, "CINP", "customers with inputs", rows, 1, customer_inputs)
    entries(sections, "ANSW", "leads with answers", rows, 2, answers)


def main():
    args = sys.argv[1:]
    rows = 10
    if "--rows" in args:
        i = args.index("--rows")
        rows = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1:
        print(__doc__)
        return 2
    with open(args[0], "rb") as f:
        data = f.read()
    try:
        dump(data, rows)
    except Bad as e:
        print("refused:", e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
