"""Background work of the reports (item 3): keep the day figures current. Run by the
`db_worker` process; enqueue `refresh_figures` every few minutes (the changed days only) and
once a night with full=True (everything, catching changes that leave no timestamp)."""

from __future__ import annotations

from django_tasks import task


@task()
def refresh_figures(full: bool = False) -> int:
    """Idempotent: rebuilding a day from its records twice gives the same row."""
    from qamqor.reports.figures import figures_refresh_all, figures_refresh_changed

    return figures_refresh_all() if full else figures_refresh_changed()
