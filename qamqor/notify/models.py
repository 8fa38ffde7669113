"""Reminders and messages: what is sent to whom, by which channel, and how it went.

One Message row is one delivery by one channel: its status, attempts and last error are the
delivery log. A message that fails on every attempt falls back to the recipient's other channel
as a new row pointing at the first (`fallback_of`), so the log shows both tries.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from qamqor.core.scoping import Scope
from qamqor.families.models import Parent
from qamqor.journal.models import Request
from qamqor.orgs.models import Organization
from qamqor.scheduling.models import Appointment

DEFAULT_FIRST_REMINDER_HOURS = 24
DEFAULT_SECOND_REMINDER_HOURS = 2


class ReminderSettings(models.Model):
    """When an organisation's parents are reminded of a session. Without a row the defaults
    apply (24 and 2 hours); 0 turns a reminder off."""

    organization = models.OneToOneField(
        Organization, on_delete=models.CASCADE, related_name="reminder_settings", verbose_name=_("organisation")
    )
    first_hours = models.PositiveSmallIntegerField(
        _("first reminder, hours before"),
        default=DEFAULT_FIRST_REMINDER_HOURS,
        validators=[MaxValueValidator(168)],
        help_text=_("0 turns this reminder off; at most 168 hours (a week)."),
    )
    second_hours = models.PositiveSmallIntegerField(
        _("second reminder, hours before"),
        default=DEFAULT_SECOND_REMINDER_HOURS,
        validators=[MaxValueValidator(168)],
        help_text=_("0 turns this reminder off; at most 168 hours (a week)."),
    )

    class Meta:
        verbose_name = _("reminder settings")
        verbose_name_plural = _("reminder settings")

    def __str__(self) -> str:
        return str(self.organization)

    def clean(self) -> None:
        # The log and the letters call them "first" and "second": with both on, the first comes
        # earlier (more hours before), and two reminders at the same moment would be one twice.
        if self.first_hours and self.second_hours and self.second_hours >= self.first_hours:
            raise ValidationError(
                {
                    "second_hours": _(
                        "The second reminder comes after the first: give it fewer hours before the session "
                        "than the first (%(hours)d), or 0 to turn it off."
                    )
                    % {"hours": self.first_hours}
                }
            )

    @classmethod
    def for_organization(cls, organization_id: int) -> ReminderSettings:
        """The organisation's settings, or the defaults (unsaved) when it set none."""
        found = cls.objects.filter(organization_id=organization_id).first()
        return found or cls(organization_id=organization_id)

    @property
    def hours(self) -> dict[str, int]:
        """Hours before the session by kind of reminder, the ones turned off left out."""
        chosen = {Message.Kind.REMINDER_FIRST: self.first_hours, Message.Kind.REMINDER_SECOND: self.second_hours}
        return {kind: hours for kind, hours in chosen.items() if hours}


class MessageQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> MessageQuerySet:
        # The delivery log holds parents' addresses: the organisation's managers read it.
        return self.filter(organization_id__in=scope.manager_org_ids)

    def waiting(self) -> MessageQuerySet:
        return self.filter(status=Message.Status.SCHEDULED)


class Message(models.Model):
    class Kind(models.TextChoices):
        REMINDER_FIRST = "reminder_first", _("first reminder")
        REMINDER_SECOND = "reminder_second", _("second reminder")
        FEEDBACK = "feedback", _("feedback request")
        CONFIRMATION = "confirmation", _("booking confirmation")
        NEW_REQUEST = "new_request", _("new online request (to staff)")
        PLACE_FREED = "place_freed", _("a place from the waiting list")

    class Channel(models.TextChoices):
        EMAIL = "email", pgettext_lazy("delivery channel", "email")
        SMS = "sms", pgettext_lazy("delivery channel", "SMS")
        TELEGRAM = "telegram", pgettext_lazy("delivery channel", "Telegram")

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", pgettext_lazy("message status", "waiting")
        SENDING = "sending", pgettext_lazy("message status", "being sent")
        SENT = "sent", pgettext_lazy("message status", "sent")
        FAILED = "failed", pgettext_lazy("message status", "failed")
        SKIPPED = "skipped", pgettext_lazy("message status", "not needed")

    class Note(models.TextChoices):
        """Why a message was not sent."""

        CANCELLED = "cancelled", _("the session was cancelled")
        MOVED = "moved", _("the session was moved: a reminder for the new time is planned")
        TOO_LATE = "too_late", _("the session has begun")
        NO_CONSENT = "no_consent", _("the parent withdrew their consent")
        NOT_DONE = "not_done", _("the consultation is not recorded as held")
        RATED = "rated", _("the parent has rated it already")
        EXPIRED = "expired", _("the feedback link has expired")
        INACTIVE = "inactive", _("the account is switched off")
        REMOVED = "removed", _("no longer taking part in the session")

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="messages", verbose_name=_("organisation")
    )
    kind = models.CharField(_("message kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("delivery channel"), max_length=10, choices=Channel.choices)
    # The recipient: a parent, or a member of staff.
    parent = models.ForeignKey(
        Parent, null=True, blank=True, on_delete=models.CASCADE, related_name="messages", verbose_name=_("parent")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("member of staff"),
    )
    address = models.CharField(_("recipient's address"), max_length=254, help_text=_("The email address or phone number used."))
    language = models.CharField(_("language"), max_length=5, default="kk")
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.CASCADE, related_name="messages", verbose_name=_("session")
    )
    request = models.ForeignKey(
        Request, null=True, blank=True, on_delete=models.CASCADE, related_name="messages", verbose_name=_("request")
    )
    # An event's registration that moved up from the waiting list (kind "place_freed").
    registration = models.ForeignKey(
        "engagement.Registration",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("event registration"),
    )
    # The session's start the reminder was planned for: a session moved since is not reminded of.
    for_starts_at = models.DateTimeField(_("for the session at"), null=True, blank=True)
    send_at = models.DateTimeField(_("send at"))
    status = models.CharField(_("delivery status"), max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    note = models.CharField(_("why not sent"), max_length=20, choices=Note.choices, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    fallback_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="fallbacks", verbose_name=_("fallback of")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-send_at", "-pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        indexes = [models.Index(fields=["organization", "-send_at"])]
        constraints = [
            # Planning twice (a signal and a retry, two workers) makes one reminder, not two.
            models.UniqueConstraint(
                fields=["appointment", "parent", "kind", "for_starts_at"],
                condition=Q(appointment__isnull=False, fallback_of__isnull=True),
                name="notify_one_reminder_per_session_time",
            ),
            # (Two constraints, not one over parent and user: NULLs never clash in a unique key.)
            models.UniqueConstraint(
                fields=["request", "parent", "kind"],
                condition=Q(appointment__isnull=True, request__isnull=False, parent__isnull=False, fallback_of__isnull=True),
                name="notify_one_message_per_request_parent",
            ),
            models.UniqueConstraint(
                fields=["request", "user", "kind"],
                condition=Q(appointment__isnull=True, request__isnull=False, user__isnull=False, fallback_of__isnull=True),
                name="notify_one_message_per_request_user",
            ),
            # A family moved up from a waiting list hears of its place once, however often asked.
            models.UniqueConstraint(
                fields=["registration", "kind"],
                condition=Q(registration__isnull=False, fallback_of__isnull=True),
                name="notify_one_message_per_registration",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=False) | Q(user__isnull=False), name="notify_message_has_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.get_channel_display()} · {self.get_status_display()}"


class StaffNotificationQuerySet(models.QuerySet):
    def for_user(self, user_id: int, organization_id: int) -> StaffNotificationQuerySet:
        return self.filter(user_id=user_id, organization_id=organization_id)

    def unread(self) -> StaffNotificationQuerySet:
        return self.filter(read_at__isnull=True)


class StaffNotification(models.Model):
    """A line in a member of staff's notifications in the back office (the badge in the menu)."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="staff_notifications", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("member of staff")
    )
    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="staff_notifications", verbose_name=_("request"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = StaffNotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("staff notification")
        verbose_name_plural = _("staff notifications")
        constraints = [models.UniqueConstraint(fields=["user", "request"], name="notify_staff_once_per_request")]
        indexes = [models.Index(fields=["user", "organization", "read_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.request}"


class StaffPreference(models.Model):
    """How a member of staff wants to hear of new online requests besides the back office."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notify_preference", verbose_name=_("member of staff")
    )
    by_email = models.BooleanField(_("also by email"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class TelegramLink(models.Model):
    """A parent's or a member of staff's Telegram chat with the bot, linked by a one-time code."""

    parent = models.OneToOneField(
        Parent, null=True, blank=True, on_delete=models.CASCADE, related_name="telegram", verbose_name=_("parent")
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="telegram",
        verbose_name=_("member of staff"),
    )
    chat_id = models.BigIntegerField(_("Telegram chat"))
    linked_at = models.DateTimeField(_("linked at"), default=timezone.now)

    class Meta:
        verbose_name = _("Telegram link")
        verbose_name_plural = _("Telegram links")
        constraints = [
            models.CheckConstraint(
                condition=Q(parent__isnull=False, user__isnull=True) | Q(parent__isnull=True, user__isnull=False),
                name="notify_telegram_link_one_owner",
            )
        ]

    def __str__(self) -> str:
        return str(self.parent or self.user)


class TelegramCode(models.Model):
    """The one-time code of a deep link (t.me/<bot>?start=<code>): valid for an hour, once."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    parent = models.ForeignKey(Parent, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Telegram link code")
        verbose_name_plural = _("Telegram link codes")

    def __str__(self) -> str:
        return self.code[:4] + "…"


class TelegramUpdate(models.Model):
    """An update from the Bot API that was handled. Telegram sends an update again when our
    answer was slow or failed (and polling after a restart sees it again): its id is claimed in
    the transaction of what it does, so a question enters the journal once, and an update whose
    handling crashed is handled when it comes back. Rows older than UPDATES_KEPT are swept."""

    # The bot's own id (the token's number before ":"): update ids are counted per bot.
    bot_id = models.BigIntegerField(_("bot"))
    update_id = models.BigIntegerField(_("update"))
    handled_at = models.DateTimeField(_("handled at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("Telegram update")
        verbose_name_plural = _("Telegram updates")
        constraints = [models.UniqueConstraint(fields=["bot_id", "update_id"], name="notify_telegram_update_once")]

    def __str__(self) -> str:
        return f"{self.bot_id}/{self.update_id}"
