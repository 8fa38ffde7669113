"""The breach drill: whose data one account read or changed in a period, from the audit log.

    manage.py breach_drill --user USERNAME --from YYYY-MM-DD --to YYYY-MM-DD [--format text|csv]

When an account may have been misused, this is the list of families to consider notifying
(Law of the Republic of Kazakhstan «On personal data and their protection»): per organisation,
the families (the parent's id, and the name while it is kept) and their records, with how many
times each was read and changed, and the first and last time. The output holds names: it goes
to the person running the drill, not into any log.
"""

from __future__ import annotations

import csv
import datetime as dt

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from qamqor.audit.selectors import OrganizationTrace, RecordTrace, account_footprint

CSV_COLUMNS = (
    "organization_id",
    "organization",
    "parent_id",
    "parent",
    "record_type",
    "record_id",
    "reads",
    "changes",
    "first",
    "last",
)


def _date(value: str, option: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(
            _("%(option)s must be a date written YYYY-MM-DD, not %(value)r.") % {"option": option, "value": value}
        ) from None


def _when(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else ""


def _counts(trace: RecordTrace) -> str:
    return _("read %(reads)s, changed %(changes)s, first %(first)s, last %(last)s") % {
        "reads": trace.reads,
        "changes": trace.changes,
        "first": _when(trace.first),
        "last": _when(trace.last),
    }


class Command(BaseCommand):
    help = "List whose data an account read or changed in a period, from the audit log."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, metavar="USERNAME", help="the account's username")
        parser.add_argument("--from", dest="date_from", required=True, metavar="YYYY-MM-DD", help="first day, included")
        parser.add_argument("--to", dest="date_to", required=True, metavar="YYYY-MM-DD", help="last day, included")
        parser.add_argument("--format", choices=("text", "csv"), default="text")

    def handle(self, *args, user: str, date_from: str, date_to: str, format: str, **options) -> None:
        User = get_user_model()
        start, end = _date(date_from, "--from"), _date(date_to, "--to")
        if start > end:
            raise CommandError(_("The end of the period is before its start."))
        account = User.objects.filter(**{User.USERNAME_FIELD: user}).first()
        if account is None:
            raise CommandError(_("There is no account with the username %(username)r.") % {"username": user})
        organizations = account_footprint(user=account, date_from=start, date_to=end)
        if format == "csv":
            self._csv(organizations)
        else:
            self._text(account, start, end, organizations)

    def _csv(self, organizations: list[OrganizationTrace]) -> None:
        writer = csv.writer(self.stdout)
        writer.writerow(CSV_COLUMNS)
        for org in organizations:
            for family in org.families.values():
                for record in family.records.values():
                    writer.writerow(
                        (
                            org.organization_id or "",
                            org.name,
                            family.parent_id or "",
                            family.name or (_("anonymised") if family.parent_id else ""),
                            record.record_type,
                            record.record_id,
                            record.reads,
                            record.changes,
                            _when(record.first),
                            _when(record.last),
                        )
                    )

    def _text(self, account, start: dt.date, end: dt.date, organizations: list[OrganizationTrace]) -> None:
        username = getattr(account, account.USERNAME_FIELD)
        self.stdout.write(_("Account %(username)s, %(start)s – %(end)s") % {"username": username, "start": start, "end": end})
        if not organizations:
            self.stdout.write(_("The audit log holds nothing this account read or changed in the period."))
            return
        for org in organizations:
            self.stdout.write("")
            title = f"{org.organization_id} {org.name}" if org.organization_id else _("no organisation")
            heading = _("Organisation %(title)s: %(families)s families") % {"title": title, "families": len(org.families)}
            self.stdout.write(f"{heading}; {_counts(org)}")
            for family in org.families.values():
                if family.parent_id is None:
                    who = _("no family")
                else:
                    who = _("parent %(id)s: %(name)s") % {"id": family.parent_id, "name": family.name or _("anonymised")}
                self.stdout.write(f"  {who}; {_counts(family)}")
                for record in family.records.values():
                    self.stdout.write(f"    {record.record_type} {record.record_id}: {_counts(record)}")
