"""Writes of core: the second factor (qamqor/core/second_factor.py explains the rule).

The devices are django-otp's: a TOTPDevice for the authenticator app and a StaticDevice whose
tokens are the recovery codes (each deleted when used)."""

from __future__ import annotations

import time
from binascii import Error as BinasciiError
from binascii import unhexlify

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

RECOVERY_CODE_COUNT = 10
AUTHENTICATOR_NAME = "Authenticator"
RECOVERY_DEVICE_NAME = "Recovery codes"


def normalize_code(code: str) -> str:
    """People copy codes with spaces ("123 456") and print recovery codes in two halves."""
    return "".join(ch for ch in code.strip().lower() if ch not in " -\u00a0")


def _wait_message(device: Device) -> str:
    allowed, data = device.verify_is_allowed()
    if allowed or not data or "locked_until" not in data:
        return ""
    seconds = max(1, round((data["locked_until"] - timezone.now()).total_seconds()))
    return ngettext(
        "Too many wrong codes: the next code is checked after %(seconds)s second.",
        "Too many wrong codes: the next code is checked after %(seconds)s seconds.",
        seconds,
    ) % {"seconds": seconds}


def second_factor_verify(*, user, code: str) -> Device:
    """The device of `user` that accepts `code`: a 6-digit code of their authenticator, or one of
    their recovery codes (which is used up). Otherwise ValidationError, saying that the code was
    refused and, while django-otp's throttling holds the device, how long to wait.

    Each device counts wrong codes itself (django-otp throttling): the count is written even
    when the code is refused, so this is not one atomic block that a refusal would roll back."""
    code = normalize_code(code)
    if code.isdigit() and len(code) == 6:
        model = TOTPDevice
    elif code.isalnum() and 0 < len(code) <= 16:
        model = StaticDevice
    else:
        raise ValidationError({"code": _("Type the 6 digits your authenticator app shows, or one of your recovery codes.")})
    with transaction.atomic():
        # Locked for the check: two requests with the same code cannot both pass.
        device = model.objects.devices_for_user(user, confirmed=True).select_for_update().order_by("-pk").first()
        if device is None:
            accepted, wait = False, ""
        else:
            allowed, _data = device.verify_is_allowed()
            if not allowed:
                raise ValidationError({"code": _wait_message(device)})
            accepted = device.verify_token(code)
            wait = "" if accepted else _wait_message(device)
    if not accepted:
        refused = _("This code was refused: it is wrong, already used or expired.")
        raise ValidationError({"code": f"{refused} {wait}".strip()})
    return device


def authenticator_key_is_valid(key: str) -> bool:
    try:
        return len(unhexlify(key)) == 20
    except (BinasciiError, ValueError, TypeError):
        return False


@transaction.atomic
def authenticator_confirm(*, user, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Turn the second factor on: `key` (hex, chosen by the set-up page and shown to the person)
    becomes their authenticator once `code` proves their app has it; returns the device and a
    new set of recovery codes. A person who already has an authenticator is refused: replacing
    it is an administrator's reset (README, "Operations"), not something a stolen password may do.
    """
    if TOTPDevice.objects.devices_for_user(user, confirmed=True).exists():
        raise ValidationError(_("The second factor is already on for this account."))
    if not authenticator_key_is_valid(key):
        raise ValidationError(_("The set-up has expired. Scan the new code and try again."))
    code = normalize_code(code)
    totp = TOTP(unhexlify(key), step=30, t0=0, digits=6, drift=0)
    totp.time = time.time()
    if not (code.isdigit() and len(code) == 6 and totp.verify(int(code), tolerance=1)):
        raise ValidationError(
            {"code": _("This code was refused: check that the phone's clock is right and type the code the app shows now.")}
        )
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    device = TOTPDevice(user=user, name=AUTHENTICATOR_NAME, key=key, confirmed=True, last_t=totp.t())
    device.full_clean()
    device.save()
    return device, recovery_codes_replace(user=user)


@transaction.atomic
def recovery_codes_replace(*, user) -> list[str]:
    """A new set of RECOVERY_CODE_COUNT recovery codes for `user`; the old ones stop working."""
    device = StaticDevice.objects.devices_for_user(user).order_by("-pk").first()
    if device is None:
        device = StaticDevice(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        device.full_clean()
        device.save()
    device.token_set.all().delete()
    codes: set[str] = set()
    while len(codes) < RECOVERY_CODE_COUNT:
        codes.add(StaticToken.random_token())
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in sorted(codes))
    device.throttle_reset()
    return sorted(codes)
