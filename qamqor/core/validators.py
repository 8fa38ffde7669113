"""Validators shared by every app: IIN and Kazakh phone numbers, with translated messages."""

from __future__ import annotations

import datetime as dt

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from qamqor.core.iin import IINError, parse_iin

IIN_MESSAGES = {
    "format": _("An IIN is exactly 12 digits."),
    "century": _("The 7th digit of an IIN must be from 1 to 6."),
    "date": _("The first six digits of an IIN must be a real birth date (YYMMDD)."),
    "checksum": _("This IIN has a wrong check digit; please check the number."),
}


def validate_iin(value: str) -> None:
    try:
        parse_iin(value)
    except IINError as exc:
        raise ValidationError(IIN_MESSAGES[exc.code], code=f"iin_{exc.code}") from exc


def validate_iin_matches(iin: str, *, birth_date: dt.date | None, sex: str | None) -> None:
    """The IIN must agree with the person's birth date and sex where they are known."""
    info = parse_iin(iin)
    errors = {}
    if birth_date and info.birth_date != birth_date:
        errors["iin"] = ValidationError(_("The IIN does not match the birth date."), code="iin_birth_date")
    if sex and info.sex != sex:
        errors.setdefault("iin", ValidationError(_("The IIN does not match the sex."), code="iin_sex"))
    if errors:
        raise ValidationError(errors)


def validate_birth_date(day: dt.date) -> None:
    from django.utils import timezone

    if day > timezone.localdate():
        raise ValidationError(_("The birth date cannot be in the future."), code="birth_date_future")


def normalize_phone(value: str) -> str:
    """A Kazakh (or other) phone in E.164, e.g. '8 701 123 45 67' -> '+77011234567'."""
    try:
        number = phonenumbers.parse(value, "KZ")
    except phonenumbers.NumberParseException as exc:
        raise ValidationError(_("Enter a phone number such as +7 701 123 45 67."), code="phone_format") from exc
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This phone number does not exist; please check it."), code="phone_invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_phone(value: str) -> None:
    normalize_phone(value)


def format_phone(e164: str) -> str:
    """How people write the number: '+7 701 123 4567'."""
    if not e164:
        return ""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, "KZ"), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164
