"""What was done with families' personal data on the law's grounds: retention runs and the
parents' own requests (export, erasure). Neither holds a name, a phone or an IIN: a family is
named by its parent's id only, so these records outlive the data they are about."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qamqor.core.scoping import AUDIT_ROLE_CODES, Scope
from qamqor.orgs.models import Organization


class AuditRecordQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> models.QuerySet:
        # The same readers as the audit log: the head of the organisation, and an administrator.
        if scope.is_superuser:
            return self
        return self.filter(organization_id__in=[org for org, roles in scope.roles_by_org.items() if roles & AUDIT_ROLE_CODES])


class RetentionRun(models.Model):
    """One run of the retention period over one organisation (`manage.py apply_retention`)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="retention_runs", verbose_name=_("organisation")
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    retention_months = models.PositiveSmallIntegerField(_("retention period, months"))
    # Families whose last activity is before this moment were past the period.
    cutoff = models.DateTimeField(_("last activity before"))
    dry_run = models.BooleanField(_("dry run (nothing changed)"), default=False)
    # kind of record -> how many were anonymised or deleted (see services.ANONYMISE_COUNTS).
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        indexes = [models.Index(fields=["organization", "started_at"])]

    def __str__(self) -> str:
        return f"{self.organization_id} · {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"


class DataRequest(models.Model):
    """A parent's request about their own data, made on the public site and carried out at once."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("copy of the data (export)")
        ERASURE = "erasure", _("erasure")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="data_requests", verbose_name=_("organisation")
    )
    # The parent's id, not a link: the record must say which family it was about without
    # holding (or depending on) the family's data.
    parent_ref = models.PositiveIntegerField(_("parent id"))
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    carried_out_at = models.DateTimeField(_("carried out at"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)

    objects = AuditRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("data request")
        verbose_name_plural = _("data requests")
        indexes = [models.Index(fields=["organization", "received_at"]), models.Index(fields=["parent_ref"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.parent_ref}"
