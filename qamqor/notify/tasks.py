"""Background tasks (the Django Tasks API, database backend): the web processes queue them, and
any number of `manage.py db_worker` processes run them (docs/operations.md, "Workers and
messages"). Each task takes ids, never objects, reads the rows again and acts only if there is
still something to do: a task run twice, or after its session was cancelled, does no harm."""

from __future__ import annotations

from django_tasks import task

from qamqor.notify import services


@task()
def deliver_message(message_id: int) -> str:
    """Send one message at its time (reminders are queued with run_after), or retry it later."""
    return services.message_deliver(message_id=message_id)
