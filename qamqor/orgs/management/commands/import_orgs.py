"""Load districts and organisations from a spreadsheet: all rows, or none if any is wrong.

    manage.py import_orgs organisations.xlsx [--dry-run]

The first row is the header: region_kato, district_kato, district_name_kk, district_name_ru,
org_name_kk, org_name_ru, kind (kindergarten or school) and optionally bin, address, phone.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import IntegrityError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qamqor.orgs.services import COLUMNS, UnreadableFile, organization_rows_from_file, organizations_import


class Command(BaseCommand):
    help = "Import districts and organisations from an .xlsx or .csv file; nothing is imported if any row is wrong."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help=f"an .xlsx (first sheet) or .csv file with the columns {', '.join(COLUMNS)}")
        parser.add_argument("--dry-run", action="store_true", help="check the file and report without writing anything")

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        try:
            rows = organization_rows_from_file(file)
        except UnreadableFile as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        try:
            report = organizations_import(rows=rows, dry_run=dry_run)
        except IntegrityError as exc:
            # Someone else created the same district or BIN between our check and our write.
            raise CommandError(_("The data changed while importing; nothing was imported. Please run the import again.")) from exc

        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            bad = len(report.bad_lines)
            raise CommandError(
                ngettext(
                    "%(bad)d of %(rows)d rows has problems; nothing was imported.",
                    "%(bad)d of %(rows)d rows have problems; nothing was imported.",
                    bad,
                )
                % {"bad": bad, "rows": report.rows}
            )

        counts = {"rows": report.rows, "districts": report.districts_created, "organizations": report.organizations_created}
        if dry_run:
            self.stdout.write(
                _(
                    "Dry run: all %(rows)d rows are correct; nothing was written. "
                    "Districts to create: %(districts)d. Organisations to create: %(organizations)d."
                )
                % counts
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(_("Districts created: %(districts)d. Organisations created: %(organizations)d.") % counts)
            )
