from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Avg, F, Q
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from qamqor.core.periods import within_days
from qamqor.core.scoping import Scope
from qamqor.core.validators import validate_phone
from qamqor.families.models import Parent
from qamqor.journal.models import Topic
from qamqor.orgs.models import Organization
from qamqor.orgs.roles import CONSULTING_ROLES, MANAGER_ROLES


class ApplicationAttempt(models.Model):
    """One online application, counted against its client address and its phone number; the
    other limits of the public site, and the API's throttles (a call per address or per token,
    qamqor/api/throttling.py), count here too.

    Only a keyed SHA-256 hash of each is kept: the table answers "how many lately", never
    "who". It lives in the database because the cache is per process and could not count
    applications spread over several web processes."""

    class Kind(models.TextChoices):
        ADDRESS = "address", _("client address")
        PHONE = "phone", _("phone")
        TOKEN = "token", _("API token")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    key_hash = models.CharField(_("hash"), max_length=64)
    attempted_at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("online application attempt")
        verbose_name_plural = _("online application attempts")
        indexes = [
            models.Index(fields=["kind", "key_hash", "attempted_at"]),
            # Old rows are swept by age.
            models.Index(fields=["attempted_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key_hash[:8]}… {self.attempted_at:%Y-%m-%d %H:%M}"


class FeedbackQuerySet(models.QuerySet):
    def in_organization(self, organization_id: int) -> FeedbackQuerySet:
        return self.filter(organization_id=organization_id)

    def for_period(self, start: dt.date | None, end: dt.date | None) -> FeedbackQuerySet:
        """Feedback given from `start` to `end`, both days included (Astana time); None leaves that side open."""
        return within_days(self, "given_at", start, end)

    def average(self) -> float | None:
        """The mean rating, to two decimals; None when there is no feedback to average."""
        value = self.aggregate(average=Avg("rating"))["average"]
        return None if value is None else round(float(value), 2)


class Feedback(models.Model):
    """A parent's rating (1–5) and comment on a consultation that took place, given once
    through the signed link they get on the manage page and by email (seed 001 §7.2).

    Kept with its request; the organisation is copied from it, as on every tenant row, so the
    reports count an organisation's feedback over a period without reaching through requests."""

    request = models.OneToOneField(
        "journal.Request", on_delete=models.CASCADE, related_name="feedback", verbose_name=_("request")
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    rating = models.PositiveSmallIntegerField(_("rating"), validators=[MinValueValidator(1), MaxValueValidator(5)])
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    given_at = models.DateTimeField(_("given at"), default=timezone.now)

    objects = FeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at"]
        verbose_name = _("feedback")
        verbose_name_plural = _("parents' feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5),
                name="feedback_rating_1_to_5",
                violation_error_message=_("Choose a rating from 1 to 5."),
            ),
        ]
        indexes = [models.Index(fields=["organization", "given_at"])]

    def __str__(self) -> str:
        return f"{self.request} · {self.rating}/5"


# --- Materials for parents and their questions (seed 000 recommendations, seed 001's closing
# note on the site, seed 003's "question and answer" and online library) ---

# Who writes materials: those who run the consultation point and those who consult at it.
MATERIAL_AUTHOR_ROLES = frozenset(r.value for r in MANAGER_ROLES | CONSULTING_ROLES)
# Who reads parents' questions and answers them: the consulting specialists and the methodist
# (the head consults too, seed 001 §1).
QUESTION_ANSWER_ROLES = frozenset(r.value for r in CONSULTING_ROLES)
# Ages are whole years; a material for a school child is the oldest a point would publish.
MAX_CHILD_AGE = 17


def organizations_where(scope: Scope, roles: frozenset[str]) -> frozenset[int]:
    """The organisations where the user holds one of `roles`."""
    return frozenset(org for org, held in scope.roles_by_org.items() if held & roles)


class MaterialKind(models.TextChoices):
    CONSULTATION = "consultation", _("Text consultation")
    VIDEO = "video", _("Video")
    BOOKLET = "booklet", _("Booklet")
    MEMO = "memo", _("Memo")
    GAME = "game", _("Game or exercise")


class MaterialLanguage(models.TextChoices):
    """The language a parent reads or watches the material in (its file's or video's language
    included), not the languages of its title: a Russian booklet may have a Kazakh title too."""

    KK = "kk", _("in Kazakh")
    RU = "ru", _("in Russian")
    BOTH = "kk_ru", _("in Kazakh and Russian")


# Kinds a parent reads on the page itself: their text is the material.
TEXT_KINDS = frozenset({MaterialKind.CONSULTATION})
# Kinds that are a printable file.
PDF_KINDS = frozenset({MaterialKind.BOOKLET, MaterialKind.MEMO})
VIDEO_EXTENSIONS = {".mp4": "video/mp4", ".webm": "video/webm"}
FILE_TYPES = {".pdf": "application/pdf", **VIDEO_EXTENSIONS}


def material_file_path(instance: Material, filename: str) -> str:
    """Under MEDIA_ROOT, by organisation, under a random name: never the name the file came
    with (a parent's name in it, or a path), and never guessable from a material's number. The
    extension is the one the upload checks accepted (qamqor/portal/files.py)."""
    extension = Path(filename).suffix.lower()
    return f"materials/{instance.organization_id}/{uuid.uuid4().hex}{extension}"


class MaterialQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> MaterialQuerySet:
        # The back office: an organisation's authors see its materials, drafts included.
        return self.filter(organization_id__in=organizations_where(scope, MATERIAL_AUTHOR_ROLES))

    def published(self) -> MaterialQuerySet:
        return self.filter(is_published=True)

    def public(self) -> MaterialQuerySet:
        """What parents may see: published materials of open consultation points."""
        return self.published().filter(organization__consultation_point__is_open=True)

    def for_age(self, years: int) -> MaterialQuerySet:
        return self.filter(Q(age_from__isnull=True) | Q(age_from__lte=years), Q(age_to__isnull=True) | Q(age_to__gte=years))

    def in_language(self, code: str) -> MaterialQuerySet:
        return self.filter(language__in=[code, MaterialLanguage.BOTH])

    def search(self, text: str) -> MaterialQuerySet:
        """Every word in the title or the text, in either language. SQLite folds the case of
        ASCII letters only, so each word is also asked for in its usual spellings (as
        selectors.find_points does); PostgreSQL folds them all anyway."""
        qs = self
        for word in text.split()[:8]:
            variants = {word, word.lower(), word.upper(), word.capitalize()}
            query = Q()
            for column in ("title_kk", "title_ru", "body_kk", "body_ru"):
                for variant in variants:
                    query |= Q(**{f"{column}__icontains": variant})
            qs = qs.filter(query)
        return qs


class Material(models.Model):
    """A material for parents: a text consultation, a video (a file or a link), a booklet or a
    memo (PDF), a game or an exercise. Title and text are translated fields (modeltranslation,
    as the topic catalogue): a material written in one language shows in both interfaces through
    the kk → ru fallback, and `language` says which language(s) the material itself is in."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="materials", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=MaterialKind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="materials", verbose_name=_("topics"))
    age_from = models.PositiveSmallIntegerField(
        _("child's age from, years"), null=True, blank=True, validators=[MaxValueValidator(MAX_CHILD_AGE)]
    )
    age_to = models.PositiveSmallIntegerField(
        _("child's age to, years"), null=True, blank=True, validators=[MaxValueValidator(MAX_CHILD_AGE)]
    )
    language = models.CharField(_("language"), max_length=5, choices=MaterialLanguage.choices, default=MaterialLanguage.KK)
    file = models.FileField(_("file"), upload_to=material_file_path, blank=True, max_length=200)
    video_url = models.URLField(_("video link"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    # The materials a specialist recommended when closing a request. The link lives here, on
    # the portal's side: the journal sits below the portal and must not know about materials
    # (apps depend downward), so the journal's completion form reaches this through a hook
    # (qamqor/journal/hooks.py, registered in PortalConfig.ready()).
    recommended_in = models.ManyToManyField(
        "journal.Request", blank=True, related_name="recommended_materials", verbose_name=_("recommended in requests")
    )

    objects = MaterialQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-created_at", "-pk"]
        verbose_name = _("material")
        verbose_name_plural = _("materials")
        constraints = [
            models.CheckConstraint(
                condition=Q(age_from__isnull=True) | Q(age_to__isnull=True) | Q(age_from__lte=F("age_to")),
                name="material_age_range",
            ),
        ]
        indexes = [models.Index(fields=["organization", "is_published", "published_at"])]

    def __str__(self) -> str:
        return self.title

    @property
    def languages(self) -> list[str]:
        return ["kk", "ru"] if self.language == MaterialLanguage.BOTH else [self.language]

    @property
    def file_type(self) -> str:
        return FILE_TYPES.get(Path(self.file.name).suffix.lower(), "") if self.file else ""

    @property
    def has_video_file(self) -> bool:
        return self.file_type.startswith("video/")

    @property
    def has_pdf(self) -> bool:
        return self.file_type == "application/pdf"

    def age_label(self) -> str:
        low, high = self.age_from, self.age_to
        if low is None and high is None:
            return gettext("any age")
        if high is None:
            return ngettext("from %(n)d year", "from %(n)d years", low) % {"n": low}
        if low is None:
            return ngettext("up to %(n)d year", "up to %(n)d years", high) % {"n": high}
        if low == high:
            return ngettext("%(n)d year", "%(n)d years", high) % {"n": high}
        return ngettext("%(from)d–%(to)d year", "%(from)d–%(to)d years", high) % {"from": low, "to": high}

    def clean(self) -> None:
        """What each kind needs. The upload itself (is a PDF a PDF, size) is checked before it is
        saved, by qamqor/portal/files.py; here the stored file's type must fit the kind."""
        errors: dict[str, list[str]] = {}
        if self.age_from is not None and self.age_to is not None and self.age_from > self.age_to:
            errors.setdefault("age_to", []).append(_("The upper age is below the lower one."))
        for code in self.languages:
            if not (getattr(self, f"title_{code}", "") or "").strip():
                errors.setdefault(f"title_{code}", []).append(_("Write the title in each language of the material."))
        file_type = self.file_type
        if self.kind == MaterialKind.VIDEO:
            if bool(self.file) == bool(self.video_url):
                errors.setdefault("file", []).append(_("A video needs either an uploaded file or a link, one of the two."))
            elif self.file and not self.has_video_file:
                errors.setdefault("file", []).append(_("The file of a video must be an MP4 or WebM video."))
        else:
            if self.video_url:
                errors.setdefault("video_url", []).append(_("Only a video has a video link."))
            if self.file and file_type != "application/pdf":
                errors.setdefault("file", []).append(_("The file of this kind of material must be a PDF."))
            if self.kind in PDF_KINDS and not self.file:
                errors.setdefault("file", []).append(_("A booklet or a memo is a PDF file: upload it."))
        if self.kind in TEXT_KINDS or (self.kind == MaterialKind.GAME and not self.file):
            for code in self.languages:
                if not (getattr(self, f"body_{code}", "") or "").strip():
                    errors.setdefault(f"body_{code}", []).append(_("Write the text in each language of the material."))
        if errors:
            raise ValidationError(errors)


class QuestionQuerySet(models.QuerySet):
    def scoped(self, scope: Scope) -> QuestionQuerySet:
        # Parents' contacts are seen only by those who answer: the point's consulting people.
        return self.filter(organization_id__in=organizations_where(scope, QUESTION_ANSWER_ROLES))

    def public(self) -> QuestionQuerySet:
        return self.filter(is_published=True, organization__consultation_point__is_open=True)

    def unanswered(self) -> QuestionQuerySet:
        return self.filter(answered_at__isnull=True)


class Question(models.Model):
    """A parent's question from the public site, asked anonymously or with contacts, and the
    staff's answer. The pair is published only when the parent allowed it, never with the
    parent's name; the database refuses anything else."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="parent_questions", verbose_name=_("organisation")
    )
    text = models.TextField(_("question"), max_length=2000)
    public_text = models.TextField(
        _("question as published"),
        blank=True,
        max_length=2000,
        help_text=_("What the site shows as the question; empty means the parent's own words."),
    )
    name = models.CharField(_("name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField(_("email"), blank=True)
    language = models.CharField(_("language"), max_length=2, choices=Parent.Language.choices, default=Parent.Language.KK)
    may_publish = models.BooleanField(_("the parent allows publishing"), default=False)
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    answer = models.TextField(_("answer"), blank=True, max_length=4000)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    objects = QuestionQuerySet.as_manager()

    class Meta:
        ordering = ["-asked_at", "-pk"]
        verbose_name = _("parent's question")
        verbose_name_plural = _("parents' questions")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=False) | (Q(may_publish=True) & ~Q(answer="")),
                name="question_published_with_permission_and_answer",
            ),
        ]
        indexes = [models.Index(fields=["organization", "is_published", "published_at"])]

    def __str__(self) -> str:
        return Truncator(self.text).chars(60)

    @property
    def shown_text(self) -> str:
        return self.public_text or self.text

    @property
    def has_contacts(self) -> bool:
        return bool(self.name or self.phone or self.email)
