"""`manage.py backup [--output PATH]`: the database and the uploaded files in one archive.

SQLite is copied with its online backup API and PostgreSQL with pg_dump, both consistent while
the site keeps running. See qamqor/core/backup.py for the archive's contents and docs/operations.md
for schedules and restore drills.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qamqor.core.backup import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database and the media folder into one archive (.tar.gz)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="archive file or folder to write to (default: QAMQOR_BACKUP_DIR, data/backups/)",
        )

    def handle(self, *args, output: Path | None = None, **options):
        try:
            path, manifest = backup_create(output=output)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest.tables.values())
        self.stdout.write(
            _("Backup written: %(path)s (%(engine)s, %(tables)d tables, %(rows)d rows, %(media)d media files, %(size).1f MB)")
            % {
                "path": path,
                "engine": manifest.engine,
                "tables": len(manifest.tables),
                "rows": rows,
                "media": len(manifest.media_files),
                "size": path.stat().st_size / 1_000_000,
            }
        )
