from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A member of staff or an officer. Kazakh names are written whole (surname, name,
    patronymic), so we keep one full name instead of Django's first/last split."""

    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_language = models.CharField(_("language"), max_length=5, default="kk")

    class Meta(AbstractUser.Meta):
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def get_full_name(self) -> str:
        return self.full_name or super().get_full_name() or self.username

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[1] if self.full_name.count(" ") >= 1 else self.get_full_name()

    def __str__(self) -> str:
        return self.get_full_name()
