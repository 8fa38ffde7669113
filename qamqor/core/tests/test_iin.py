import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from qamqor.core.iin import IINError, check_digit, has_valid_check_digit, parse_iin
from qamqor.core.validators import validate_iin, validate_iin_matches


def test_glossary_vectors_are_valid():
    assert parse_iin("900101300017") == parse_iin("900101300017")
    assert parse_iin("900101300017").birth_date == dt.date(1990, 1, 1)
    assert parse_iin("900101300017").sex == "m"
    info = parse_iin("050712500121")
    assert info.birth_date == dt.date(2005, 7, 12)
    assert info.sex == "m"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("90010130001", "format"),
        ("9001013000177", "format"),
        ("90010130001a", "format"),
        ("900101700017", "century"),
        ("901301300017", "date"),
        ("900230300017", "date"),
        ("900101300018", "checksum"),
    ],
)
def test_invalid_numbers_say_why(number, code):
    with pytest.raises(IINError) as exc:
        parse_iin(number)
    assert exc.value.code == code


def _iin(day: dt.date, sex: str, serial: int) -> str | None:
    century_digit = {1800: 1, 1900: 3, 2000: 5}[day.year // 100 * 100] + (1 if sex == "f" else 0)
    first = f"{day:%y%m%d}{century_digit}{serial:04d}"
    digit = check_digit(first)
    return None if digit is None else first + str(digit)


@given(
    day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    sex=st.sampled_from(["m", "f"]),
    serial=st.integers(min_value=0, max_value=9999),
)
def test_generated_numbers_round_trip(day, sex, serial):
    number = _iin(day, sex, serial)
    if number is None:
        return  # no valid IIN exists with these eleven digits
    info = parse_iin(number)
    assert info.birth_date == day
    assert info.sex == sex


@given(
    day=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2099, 12, 31)),
    serial=st.integers(min_value=0, max_value=9999),
    wrong=st.integers(min_value=1, max_value=9),
)
def test_any_single_wrong_check_digit_is_refused(day, serial, wrong):
    number = _iin(day, "m", serial)
    if number is None:
        return
    altered = number[:11] + str((int(number[11]) + wrong) % 10)
    assert not has_valid_check_digit(altered)


@given(st.text(min_size=0, max_size=14))
def test_arbitrary_text_never_crashes(text):
    try:
        parse_iin(text)
    except IINError:
        pass


def test_validator_messages_and_match_with_birth_date_and_sex():
    with pytest.raises(ValidationError):
        validate_iin("900101300018")
    validate_iin_matches("050712500121", birth_date=dt.date(2005, 7, 12), sex="m")
    with pytest.raises(ValidationError):
        validate_iin_matches("050712500121", birth_date=dt.date(2005, 7, 13), sex="m")
    with pytest.raises(ValidationError):
        validate_iin_matches("050712500121", birth_date=dt.date(2005, 7, 12), sex="f")
