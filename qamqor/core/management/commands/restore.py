"""`manage.py restore PATH [--yes]`: replace the database and the media folder with an archive's.

Refused, with nothing changed, when the archive is damaged, holds the other engine's database
or comes from a newer version of Qamqor. Stop the web and task processes first: the restore
replaces every table.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from qamqor.core.backup import BackupError, backup_restore, check_archive


class Command(BaseCommand):
    help = "Restore the database and the media folder from an archive made by `manage.py backup`."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="the archive (.tar.gz)")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, path: Path, yes: bool = False, **options):
        try:
            manifest = check_archive(path)
            if not yes:
                question = _(
                    "This replaces EVERY record of this site's database and its media folder with the archive's "
                    "(%(engine)s, made %(created)s, %(rows)d rows, %(media)d media files). Type 'yes' to go on: "
                ) % {
                    "engine": manifest.engine,
                    "created": manifest.created_at,
                    "rows": sum(manifest.tables.values()),
                    "media": len(manifest.media_files),
                }
                try:
                    answer = input(question)
                except EOFError:  # no terminal (cron, a pipe): only --yes goes on
                    answer = ""
                if answer.strip().lower() not in {"yes", "иә", "да"}:
                    raise CommandError(_("Restore cancelled: nothing was changed."))
            restored = backup_restore(path=path)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            _(
                "Restored %(path)s (%(engine)s, made %(created)s): %(tables)d tables, %(rows)d rows, "
                "%(media)d media files; every table's row count matches the archive."
            )
            % {
                "path": path,
                "engine": restored.manifest.engine,
                "created": restored.manifest.created_at,
                "tables": len(restored.manifest.tables),
                "rows": restored.rows,
                "media": restored.media_files,
            }
        )
        if restored.unapplied:
            self.stdout.write(
                _("The archive is older than this code (%(count)d migrations to apply): run `manage.py migrate` now.")
                % {"count": len(restored.unapplied)}
            )
