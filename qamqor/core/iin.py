"""The Kazakh IIN (ЖСН/ИИН): 12 digits, birth date, century and sex, serial and check digit.

No maintained library checks it, so this is one of the few things we write ourselves (see
GLOSSARY.md). The BIN shares the check-digit algorithm.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

WEIGHTS_FIRST = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
WEIGHTS_SECOND = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
# 7th digit -> (century start, sex); odd digits are male, even female.
CENTURY_SEX = {1: (1800, "m"), 2: (1800, "f"), 3: (1900, "m"), 4: (1900, "f"), 5: (2000, "m"), 6: (2000, "f")}


def check_digit(first_eleven: str) -> int | None:
    """The 12th digit for these 11 digits, or None when no valid number can have them."""
    digits = [int(ch) for ch in first_eleven]
    total = sum(d * w for d, w in zip(digits, WEIGHTS_FIRST, strict=True)) % 11
    if total == 10:
        total = sum(d * w for d, w in zip(digits, WEIGHTS_SECOND, strict=True)) % 11
        if total == 10:
            return None
    return total


def has_valid_check_digit(number: str) -> bool:
    if len(number) != 12 or not number.isdigit():
        return False
    return check_digit(number[:11]) == int(number[11])


@dataclass(frozen=True)
class IINInfo:
    birth_date: dt.date
    sex: str  # "m" or "f"


class IINError(ValueError):
    """Why a string is not a valid IIN; `code` is stable for callers that translate."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse_iin(number: str) -> IINInfo:
    """Birth date and sex encoded in a valid IIN; raises IINError(code) otherwise."""
    if len(number) != 12 or not number.isdigit():
        raise IINError("format")
    century_sex = CENTURY_SEX.get(int(number[6]))
    if century_sex is None:
        raise IINError("century")
    century, sex = century_sex
    try:
        birth_date = dt.date(century + int(number[0:2]), int(number[2:4]), int(number[4:6]))
    except ValueError as exc:
        raise IINError("date") from exc
    if not has_valid_check_digit(number):
        raise IINError("checksum")
    return IINInfo(birth_date=birth_date, sex=sex)
