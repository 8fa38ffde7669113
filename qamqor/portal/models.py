from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ApplicationAttempt(models.Model):
    """One online application, counted against its client address and its phone number.

    Only a keyed SHA-256 hash of each is kept: the table answers "how many lately", never
    "who". It lives in the database because the cache is per process and could not count
    applications spread over several web processes."""

    class Kind(models.TextChoices):
        ADDRESS = "address", _("client address")
        PHONE = "phone", _("phone")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key_hash = models.CharField(_("hash"), max_length=64)
    attempted_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("online application attempt")
        verbose_name_plural = _("online application attempts")
        indexes = [
            models.Index(fields=["kind", "key_hash", "attempted_at"]),
            # Old rows are swept by age.
            models.Index(fields=["attempted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key_hash[:8]}… {self.attempted_at:%Y-%m-%d %H:%M}"
