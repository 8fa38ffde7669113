"""Every change the journal page could show renews its organisation's JournalVersion.

Signals rather than calls in each service: the journal page shows rows of six models
(requests, parents, children, topics, appointments, people) and the organisation's
specialists, which services, the admin and imports all write. Rare edits of shared reference
data (topics, people's names) renew every organisation's version. A queryset.update() or
bulk_create() sends no signal: code that uses them on these models calls journal_touch()
itself. qamqor/journal/tests/test_journal_cache.py changes each thing and looks at the page.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from qamqor.core.models import User
from qamqor.families.models import Child, Parent
from qamqor.journal.models import JournalVersion, Request, Topic, new_journal_version
from qamqor.orgs.models import Membership, Organization
from qamqor.scheduling.models import Appointment

logger = logging.getLogger(__name__)


def journal_touch(organization_id: int | None = None) -> None:
    """Give one organisation's journal, or every one (None), a new version once the change
    commits (at once outside a transaction).

    Not inside the transaction: the version row would be one more lock that every writer of
    the organisation takes, and in a different order from the booking's own row locks (a booking
    locks the specialists, then saves; routing saves, then books), which deadlocks two
    concurrent bookings on PostgreSQL. A reader in the instant between the commit and the new
    version still gets the page as it was a moment before."""
    transaction.on_commit(lambda: _renew_or_forget(organization_id))


def _renew_or_forget(organization_id: int | None) -> None:
    """Renew after the commit, and never fail the request for it: the change itself is
    committed by now, and an error here would tell a parent or a specialist that their booking
    failed when it is stored (seen in bench/pg_restart.py when PostgreSQL restarts between the
    two). Without the new version, this process forgets what it cached (the cache is in process
    memory); another process may show the old page until its entry expires
    (journal.views.JOURNAL_CACHE_SECONDS, ten minutes)."""
    try:
        _renew(organization_id)
    except DatabaseError:
        logger.warning("journal version not renewed after a commit; this process's cache is cleared", exc_info=True)
        cache.clear()


def _renew(organization_id: int | None) -> None:
    versions = JournalVersion.objects.all()
    if organization_id is not None:
        versions = versions.filter(organization_id=organization_id)
    versions.update(version=new_journal_version())


def _organization_created(sender, instance, created, raw=False, **kwargs) -> None:
    if created and not raw:
        JournalVersion.objects.create(organization=instance)


def _touch_organization(sender, instance, raw=False, **kwargs) -> None:
    if not raw and instance.organization_id:
        journal_touch(instance.organization_id)


def _touch_for_request(sender, instance, raw=False, **kwargs) -> None:
    # An appointment shows in the journal only through its request.
    if not raw and instance.request_id:
        journal_touch(instance.organization_id)


def _touch_all(sender, instance, raw=False, **kwargs) -> None:
    if not raw:
        journal_touch()


PERSON_NAME_FIELDS = frozenset({"full_name", "username", "first_name", "last_name"})


def _touch_all_for_names(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    # A person's name shows in every organisation where they work; a login saves only
    # last_login and must not invalidate anything.
    if not raw and (update_fields is None or PERSON_NAME_FIELDS & set(update_fields)):
        journal_touch()


def _touch_routing(sender, instance, action, **kwargs) -> None:
    # `instance` is the request, or the membership when routed from its side; both carry the organisation.
    if action.startswith("post_"):
        journal_touch(instance.organization_id)


def connect() -> None:
    post_save.connect(_organization_created, sender=Organization, dispatch_uid="journal_version_create")
    post_save.connect(_touch_for_request, sender=Appointment, dispatch_uid="journal_touch_appointment")
    post_delete.connect(_touch_for_request, sender=Appointment, dispatch_uid="journal_touch_appointment_delete")
    for model in (Request, Parent, Child, Membership):
        post_save.connect(_touch_organization, sender=model, dispatch_uid=f"journal_touch_{model.__name__}")
        post_delete.connect(_touch_organization, sender=model, dispatch_uid=f"journal_touch_delete_{model.__name__}")
    post_save.connect(_touch_all, sender=Topic, dispatch_uid="journal_touch_topic")
    post_delete.connect(_touch_all, sender=Topic, dispatch_uid="journal_touch_topic_delete")
    post_save.connect(_touch_all_for_names, sender=User, dispatch_uid="journal_touch_user")
    post_delete.connect(_touch_all, sender=User, dispatch_uid="journal_touch_user_delete")
    m2m_changed.connect(_touch_routing, sender=Request.specialists.through, dispatch_uid="journal_touch_routing")
