"""SMS behind one small interface: `sms_backend().send(phone=..., text=...)`.

Backends (settings.QAMQOR_SMS_BACKEND):
- "console" prints the message to the worker's standard output (development, demos);
- "mobizon" sends it through Mobizon.kz's HTTP API (https://mobizon.kz, docs/operations.md):
  POST {QAMQOR_MOBIZON_URL}/service/message/sendsmsmessage?output=json&api=v1&apiKey=...
  with the form fields recipient, text and from; the reply is JSON {"code": 0, "data":
  {"messageId": ...}, "message": ""}, where any other code is a refusal named by "message".
Tests use the "memory" backend (an outbox, as Django's locmem mail backend) and the real
Mobizon backend against a local fake of the API over HTTP.
"""

from __future__ import annotations

import sys
from typing import Protocol

import httpx
from django.conf import settings

# Seconds to wait for the gateway: a worker that hangs on it holds back every other message.
TIMEOUT = 15.0


class SmsError(Exception):
    """The gateway did not take the message; the text says why (no phone number in it)."""


class SmsBackend(Protocol):
    def send(self, *, phone: str, text: str) -> str:
        """Send one message; returns the gateway's id of it, or raises SmsError."""


class ConsoleSmsBackend:
    def send(self, *, phone: str, text: str) -> str:
        # Standard output, not the log: the log must never carry a phone number.
        sys.stdout.write(f"SMS to {phone}:\n{text}\n{'-' * 40}\n")
        sys.stdout.flush()
        return ""


# What the memory backend has sent, for tests (cleared by their fixture).
outbox: list[dict[str, str]] = []


class MemorySmsBackend:
    def send(self, *, phone: str, text: str) -> str:
        outbox.append({"phone": phone, "text": text})
        return str(len(outbox))


class MobizonSmsBackend:
    def __init__(self, *, base_url: str, api_key: str, sender: str = "") -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.sender = sender

    def send(self, *, phone: str, text: str) -> str:
        data = {"recipient": phone.lstrip("+"), "text": text}
        if self.sender:
            data["from"] = self.sender
        try:
            response = httpx.post(
                f"{self.base_url}/service/message/sendsmsmessage",
                params={"output": "json", "api": "v1", "apiKey": self.api_key},
                data=data,
                timeout=TIMEOUT,
            )
        except httpx.HTTPError as exc:
            raise SmsError(f"Mobizon unreachable: {type(exc).__name__}") from exc
        if response.status_code != 200:
            raise SmsError(f"Mobizon answered HTTP {response.status_code}")
        try:
            reply = response.json()
        except ValueError as exc:
            raise SmsError("Mobizon answered something that is not JSON") from exc
        if not isinstance(reply, dict) or reply.get("code") != 0:
            code = reply.get("code") if isinstance(reply, dict) else None
            message = str(reply.get("message", "")) if isinstance(reply, dict) else ""
            raise SmsError(f"Mobizon refused the message (code {code}): {message}"[:400])
        data_part = reply.get("data") or {}
        return str(data_part.get("messageId", "")) if isinstance(data_part, dict) else ""


def sms_backend() -> SmsBackend:
    chosen = settings.QAMQOR_SMS_BACKEND
    if chosen == "mobizon":
        return MobizonSmsBackend(
            base_url=settings.QAMQOR_MOBIZON_URL, api_key=settings.QAMQOR_MOBIZON_API_KEY, sender=settings.QAMQOR_SMS_SENDER
        )
    if chosen == "memory":
        return MemorySmsBackend()
    return ConsoleSmsBackend()
