import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from qamqor.core.validators import format_phone, normalize_phone


@pytest.mark.parametrize(
    ("raw", "e164"),
    [("8 701 123 45 67", "+77011234567"), ("+7 (747) 123-45-67", "+77471234567"), ("87172123456", "+77172123456")],
)
def test_kazakh_numbers_are_normalised(raw, e164):
    assert normalize_phone(raw) == e164


@pytest.mark.parametrize("raw", ["12345", "hello", "+7 701 123", ""])
def test_bad_numbers_are_refused(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)


def test_format_phone_for_people():
    assert format_phone("+77011234567") == "+7 701 123 4567"


def test_academic_year():
    import datetime as dt

    from qamqor.core.academic_year import academic_year_label, academic_year_of

    assert academic_year_of(dt.date(2026, 9, 1)) == 2026
    assert academic_year_of(dt.date(2027, 8, 31)) == 2026
    assert academic_year_label(2026) == "2026–2027"


def test_error_messages_follow_the_language():
    with pytest.raises(ValidationError) as exc:
        normalize_phone("hello")
    with translation.override("en"):
        assert "phone number" in exc.value.messages[0]
    with translation.override("ru"):
        assert "номер" in exc.value.messages[0]
    with translation.override("kk"):
        assert "нөмір" in exc.value.messages[0]
