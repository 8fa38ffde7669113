"""`manage.py refresh_figures [--full]`: what the background task does, from cron or by hand."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from qamqor.reports.figures import figures_refresh_all, figures_refresh_changed


class Command(BaseCommand):
    help = "Bring the pre-aggregated day figures of the reports up to date."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--full", action="store_true", help="rebuild every day of every organisation")

    def handle(self, *args, full: bool = False, **options) -> None:
        written = figures_refresh_all() if full else figures_refresh_changed()
        self.stdout.write(f"{written} day rows written")
