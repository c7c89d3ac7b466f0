#!/usr/bin/env python3
"""Independent day numbers for tests/test_date.c (and the other tests).

Day number = date.toordinal() - date(1970, 1, 1).toordinal(), i.e. days
since 1970-01-01 in the proleptic Gregorian calendar, which is what
include/mtl/date.h specifies.  Run: python3 tests/tools/day_numbers.py
and compare with the constants in the tests.
"""
import datetime

EPOCH = datetime.date(1970, 1, 1).toordinal()

DATES = [
    (1970, 1, 1), (1969, 12, 31), (2000, 3, 1), (2000, 2, 29), (2024, 2, 29),
    (2023, 2, 3), (1, 1, 1), (9999, 12, 31), (1900, 1, 1), (2100, 12, 31),
    (1900, 3, 1), (2100, 3, 1), (1600, 2, 29), (2038, 1, 19), (1582, 10, 15),
    (2024, 1, 1), (2024, 6, 30), (2024, 12, 31), (2025, 1, 1),
]


def day(y, m, d):
    return datetime.date(y, m, d).toordinal() - EPOCH


if __name__ == "__main__":
    for y, m, d in DATES:
        print(f"{y:04d}-{m:02d}-{d:02d} {day(y, m, d)}")
    print("days 1900-01-01..2100-12-31 inclusive:",
          day(2100, 12, 31) - day(1900, 1, 1) + 1)
