"""Who acted: the current request, remembered for the audit log's entries.

auditlog's own middleware connects and disconnects a signal receiver on every request; ours
only sets a context variable, and reads the user when an entry is actually written.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.http import HttpRequest

current_request: ContextVar[HttpRequest | None] = ContextVar("qamqor_audit_request", default=None)


def fill_actor(sender, instance, **kwargs) -> None:
    """pre_save of auditlog's LogEntry: the signed-in user and their address."""
    request = current_request.get()
    if request is None or not instance._state.adding:
        return
    user = getattr(request, "user", None)
    if instance.actor_id is None and user is not None and user.is_authenticated:
        instance.actor = user
        instance.actor_email = user.email or None
    if not instance.remote_addr:
        instance.remote_addr = request.META.get("REMOTE_ADDR") or None
