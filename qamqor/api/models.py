"""The REST API's own records: integration tokens and the idempotency keys of bookings."""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qamqor.core.scoping import Scope
from qamqor.orgs.models import Organization
from qamqor.orgs.roles import MANAGER_ROLES, ORGANIZATION_ROLES, Role

# A token as the integrator holds it: this prefix, then 43 random URL-safe characters.
TOKEN_PREFIX = "qmq_"  # noqa: S105 (a label, not a secret)


def token_digest(raw: str) -> str:
    """The stored form of a token. A token is 256 random bits, so a plain SHA-256 cannot be
    undone by guessing (unlike a password, it needs no slow, salted hash), and it can be looked
    up by its digest in one indexed query."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> ApiTokenQuerySet:
        # The managers of an organisation see (and revoke) its tokens.
        return self.filter(organization_id__in=scope.manager_org_ids)

    def in_force(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A key another system (a district portal, a school's site) uses to call the API on behalf
    of one organisation, with the roles the organisation gave it: it reads what a person with
    those roles reads there, and nothing of another organisation. The token itself is shown
    once, when issued; only its digest is kept."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("Who uses it, e.g. «District portal»."))
    roles = models.JSONField(
        _("roles"),
        default=list,
        blank=True,
        help_text=_("The roles the token acts with. A manager's role (head, deputy, methodist) reads the request journal."),
    )
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    # The first characters of the token, so people can tell their tokens apart; not a secret.
    prefix = models.CharField(_("beginning of the token"), max_length=12, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("issued by")
    )
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("revoked by")
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def clean(self) -> None:
        allowed = {r.value for r in ORGANIZATION_ROLES}
        if not isinstance(self.roles, list) or any(r not in allowed for r in self.roles):
            raise ValidationError({"roles": _("Choose roles of an organisation's staff.")})

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(r, r)) for r in self.roles]

    def get_additional_data(self) -> dict[str, Any]:
        # The audit log's entries of a token (issued, revoked) carry its organisation, so the
        # head finds them in the organisation's log (qamqor/audit); a token is about no family.
        return {"organization_id": self.organization_id, "parent_id": None}

    def scope(self) -> Scope:
        """What the token may see, as the scoping function understands it: the roles in its one
        organisation, and no membership of its own (so nothing "routed to me")."""
        return Scope(user_id=None, roles_by_org={self.organization_id: frozenset(self.roles)})

    @property
    def reads_journal(self) -> bool:
        return bool(set(self.roles) & {r.value for r in MANAGER_ROLES})


class IdempotencyKey(models.Model):
    """A booking's `Idempotency-Key` and the answer it got, so a repeated call (a timeout, a
    retry) gets the same answer instead of a second booking.

    The key is the caller's own within its `owner` (a token, or a client address for calls
    without one). The unique constraint makes two concurrent calls with one key wait for each
    other: the second's insert blocks until the first commits, then finds its answer."""

    owner = models.CharField(_("caller"), max_length=100)
    key = models.CharField(_("key"), max_length=255)
    request_hash = models.CharField(_("request digest"), max_length=64)
    status_code = models.PositiveSmallIntegerField(_("answer status"))
    response_body = models.JSONField(_("answer"), default=dict)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("idempotency key")
        verbose_name_plural = _("idempotency keys")
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="api_idempotency_key_unique")]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return self.key
