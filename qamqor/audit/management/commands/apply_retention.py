"""Anonymise the families past their organisation's retention period; run it daily.

    manage.py apply_retention [--dry-run] [--organization ID]

Each organisation's run is recorded (audit.RetentionRun, shown to its head at /audit/privacy/)
and logged as one line of counts. Running it again finds nothing more to do.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from qamqor.audit.services import retention_apply
from qamqor.orgs.models import Organization


class Command(BaseCommand):
    help = "Anonymise families whose last activity is older than their organisation's retention period."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="count what would be done, change nothing")
        parser.add_argument("--organization", type=int, metavar="ID", help="only this organisation (its id)")

    def handle(self, *args, dry_run: bool, organization: int | None, **options) -> None:
        organizations = Organization.objects.order_by("pk")
        if organization is not None:
            organizations = organizations.filter(pk=organization)
            if not organizations.exists():
                raise CommandError(_("There is no organisation with the id %(id)s.") % {"id": organization})
        for org in organizations.iterator():
            run = retention_apply(organization=org, dry_run=dry_run)
            counts = ", ".join(f"{kind} {n}" for kind, n in run.counts.items()) or _("nothing to do")
            prefix = _("dry run") + ": " if dry_run else ""
            self.stdout.write(f"{prefix}{org.pk} {org.name} ({run.retention_months} / {run.cutoff:%Y-%m-%d}): {counts}")
