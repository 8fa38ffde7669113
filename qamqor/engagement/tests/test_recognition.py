"""Recognition at the end of an academic year (issue 4 item 6, seed 003): candidates ranked by
recorded participation, awards given and revoked, thank-you letters as PDF, the Honor Book with
the family's consent, and what a family's erasure does to all of it."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from qamqor.audit.services import ANONYMISED, family_anonymise
from qamqor.core.academic_year import current_academic_year
from qamqor.core.testing import factories as f
from qamqor.engagement import recognition, services
from qamqor.engagement.letters import award_letter_pdf, letter_date
from qamqor.engagement.models import Award, Event, HonorBookConsent, HonorBookEntry
from qamqor.engagement.selectors import award_candidates
from qamqor.engagement.tests.factories import event
from qamqor.engagement.tests.recognition_world import award, honor_entry, image_bytes, jpeg, png

pytestmark = pytest.mark.django_db

YEAR = 2025  # the academic year 2025–2026


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Photos go to a MEDIA_ROOT of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(18)))


def came(event: Event, parent, attended: bool = True) -> None:
    registration = services.registration_create(
        event=event, full_name=parent.full_name, phone=parent.phone, client_address=parent.phone
    )
    if attended:
        services.registration_set_attended(registration=registration, attended=True)


# --- candidates


def past_event(organization, on: dt.date, came_: list, *, absent: list = (), status=Event.Status.HELD, **fields) -> Event:
    """An event on `on` that `came_` attended (and `absent` signed up for but missed): the
    sign-ups and attendance are recorded while it is planned, then it is moved back in time."""
    made = event(organization, capacity=50, **fields)
    for parent in came_:
        came(made, parent)
    for parent in absent:
        came(made, parent, attended=False)
    Event.objects.filter(pk=made.pk).update(starts_at=at(on), ends_at=at(on) + dt.timedelta(hours=1), status=status)
    return made


@pytest.fixture
def year_world(kindergarten, other_kindergarten):
    """Hand count for 2025–2026: A came to 2 events and organised the quest (3); B came to 1 (1);
    C missed the lecture and came to a cancelled event (0: not listed); D came to an event of
    August 2025, the year before (0: not listed); E is another organisation's."""
    a = f.ParentFactory(organization=kindergarten, full_name="Ахметова Айгерім", phone="+77010000001")
    b = f.ParentFactory(organization=kindergarten, full_name="Бекова Бота", phone="+77010000002")
    c = f.ParentFactory(organization=kindergarten, full_name="Сейітова Сая", phone="+77010000003")
    d = f.ParentFactory(organization=kindergarten, full_name="Дәулетова Дана", phone="+77010000004")
    e = f.ParentFactory(organization=other_kindergarten, full_name="Ерланова Ерке", phone="+77010000005")
    past_event(kindergarten, dt.date(2025, 10, 1), [a, b])
    past_event(kindergarten, dt.date(2026, 3, 1), [a], absent=[c])
    past_event(
        kindergarten, dt.date(2026, 4, 1), [], kind=Event.Kind.QUEST, organizer=Event.Organizer.PARENTS, parent_organizers=[a]
    )
    # Organised by parents but cancelled: no credit for C.
    past_event(
        kindergarten,
        dt.date(2025, 11, 1),
        [c],
        status=Event.Status.CANCELLED,
        kind=Event.Kind.QUEST,
        organizer=Event.Organizer.PARENTS,
        parent_organizers=[c],
    )
    past_event(kindergarten, dt.date(2025, 8, 20), [d])
    past_event(other_kindergarten, dt.date(2025, 10, 1), [e])
    return {"a": a, "b": b, "c": c, "d": d, "e": e}


def test_candidates_are_ranked_by_recorded_participation(year_world, kindergarten):
    candidates = award_candidates(organization_id=kindergarten.pk, academic_year=YEAR)

    assert [(p.full_name, p.attended, p.organised, p.total) for p in candidates] == [
        ("Ахметова Айгерім", 2, 1, 3),
        ("Бекова Бота", 1, 0, 1),
    ]


def test_candidates_show_the_awards_already_given(year_world, kindergarten, methodist):
    award(kindergarten, year_world["a"], by=methodist.user, year=YEAR)

    first = award_candidates(organization_id=kindergarten.pk, academic_year=YEAR)[0]

    assert [a.kind for a in first.year_awards] == [Award.Kind.MOST_ACTIVE_PARENT]


def _parents_who_came(organization, n: int) -> None:
    """`n` more parents who came to an event of 2025–2026, each with an award of the year."""
    parents = [f.ParentFactory(organization=organization) for _ in range(n)]
    past_event(organization, dt.date(2025, 10, 1), parents)
    for parent in parents:
        award(organization, parent, year=YEAR)


def test_the_candidates_page_asks_the_same_queries_for_2_or_20_parents(client, methodist, kindergarten):
    client.force_login(methodist.user)
    url = reverse("engagement:recognition") + f"?year={YEAR}"
    counts = []
    for more in (2, 18):
        _parents_who_came(kindergarten, more)
        client.get(url)  # warm the session and content types
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append((len(response.context["candidates"]), len(queries)))
        # The candidates with both their counts in one query (their awards of the year in another).
        reading_parents = [q["sql"] for q in queries.captured_queries if '"families_parent"' in q["sql"]]
        assert len(reading_parents) == 1, reading_parents

    (two, queries_for_2), (twenty, queries_for_20) = counts
    assert (two, twenty) == (2, 20)
    assert queries_for_2 == queries_for_20


# --- awards


def test_an_award_names_its_recipient_reason_and_who_decided(kindergarten, parent, methodist):
    given = award(kindergarten, parent, by=methodist.user, year=YEAR)

    assert (given.recipient_name, given.decided_by, given.academic_year) == (parent.full_name, methodist.user, YEAR)
    assert given.decided_at is not None and given.revoked_at is None


def test_a_group_award_is_given_to_a_group_by_its_name(kindergarten, methodist):
    given = recognition.award_give(
        organization=kindergarten,
        academic_year=YEAR,
        kind=Award.Kind.BEST_COLLECTIVE,
        group_name=" «Балапан» тобы ",
        reason="Топтың барлық ата-аналары сенбілікке шықты.",
        by=methodist.user,
    )

    assert (given.recipient_name, given.parent) == ("«Балапан» тобы", None)


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"kind": Award.Kind.MOST_ACTIVE_PARENT}, "parent"),  # no parent
        ({"kind": Award.Kind.BEST_COMMITTEE}, "group_name"),  # no group
        ({"kind": Award.Kind.FRIENDLY_FAMILY, "reason": "  "}, "reason"),
    ],
)
def test_an_incomplete_award_is_refused_and_nothing_is_saved(kindergarten, methodist, values, field):
    values = {"reason": "Белсенді", **values}
    with pytest.raises(ValidationError) as refused:
        recognition.award_give(organization=kindergarten, academic_year=YEAR, by=methodist.user, **values)

    assert field in refused.value.message_dict
    assert not Award.objects.exists()


def test_a_parent_of_another_organisation_cannot_be_awarded(kindergarten, other_kindergarten, methodist):
    stranger = f.ParentFactory(organization=other_kindergarten)

    with pytest.raises(ValidationError) as refused:
        award(kindergarten, stranger, by=methodist.user)

    assert "parent" in refused.value.message_dict and not Award.objects.exists()


def test_the_same_award_twice_is_refused_until_revoked(kindergarten, parent, methodist):
    first = award(kindergarten, parent, year=YEAR)
    with pytest.raises(ValidationError) as refused:
        award(kindergarten, parent, year=YEAR)
    assert [e.code for e in refused.value.error_dict["__all__"]] == ["duplicate"]

    recognition.award_revoke(award=first, by=methodist.user)
    again = award(kindergarten, parent, year=YEAR)

    assert Award.objects.in_force().get() == again
    with pytest.raises(ValidationError):
        recognition.award_revoke(award=first, by=methodist.user)


def test_a_manager_awards_from_the_list_and_revokes(client, methodist, kindergarten, parent):
    client.force_login(methodist.user)
    form = client.get(reverse("engagement:award_new") + f"?year={YEAR}&parent={parent.pk}&kind=most_active_parent")
    assert form.status_code == 200 and form.context["form"].initial["parent"] == str(parent.pk)

    response = client.post(
        reverse("engagement:award_new"),
        {"academic_year": YEAR, "kind": "most_active_parent", "parent": parent.pk, "reason": "Жыл бойы белсенді болды."},
    )
    given = Award.objects.get()
    assert response.status_code == 302 and (given.parent, given.decided_by) == (parent, methodist.user)

    client.post(reverse("engagement:award_revoke", args=[given.pk]))
    given.refresh_from_db()
    assert given.revoked_by == methodist.user
    assert client.get(reverse("engagement:award_letter", args=[given.pk])).status_code == 404


def test_a_bad_award_form_is_answered_in_the_users_language(client, methodist):
    client.force_login(methodist.user)

    response = client.post(
        reverse("engagement:award_new"),
        {"academic_year": YEAR, "kind": "best_committee", "reason": "Жақсы"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400
    assert "Name the group or class" in response.content.decode()
    assert not Award.objects.exists()


def test_the_award_is_in_the_audit_log_with_its_family(kindergarten, parent, methodist):
    given = award(kindergarten, parent, by=methodist.user)

    entry = LogEntry.objects.get_for_object(given).get()
    assert entry.additional_data == {"organization_id": kindergarten.pk, "parent_id": parent.pk}


# --- letters


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


@pytest.mark.parametrize(
    ("language", "award_words", "date"),
    [("kk", "Ең белсенді ата-ана", "2026 жылғы 25 мамыр"), ("ru", "Самый активный родитель", "25 мая 2026 г.")],
)
def test_the_thank_you_letter_names_the_recipient_and_the_award(kindergarten, parent, head, language, award_words, date):
    given = award(kindergarten, parent, year=YEAR)

    text = _text(award_letter_pdf(given, language=language, day=dt.date(2026, 5, 25)))

    flat = " ".join(text.split())
    for words in (parent.full_name, award_words, date, head.person_name, "2025–2026"):
        assert words in flat, (words, flat)
    assert ("Детский сад №8 «Думан»" if language == "ru" else "№8 «Думан» балабақшасы") in flat


def test_the_letter_is_downloaded_by_a_manager(client, methodist, kindergarten, parent):
    given = award(kindergarten, parent)
    client.force_login(methodist.user)

    response = client.get(reverse("engagement:award_letter", args=[given.pk]) + "?lang=ru")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert parent.full_name in " ".join(_text(response.content).split())


def test_letter_dates_in_both_languages():
    assert letter_date(dt.date(2027, 1, 3), "kk") == "2027 жылғы 3 қаңтар"
    assert letter_date(dt.date(2027, 1, 3), "ru") == "3 января 2027 г."


# --- the Honor Book


def test_a_jpeg_or_png_photo_is_taken_with_its_real_extension(kindergarten, parent):
    entry = recognition.honor_entry_create(
        organization=kindergarten,
        parent=parent,
        academic_year=YEAR,
        family_name="Сейтқалилар отбасы",
        story_ru="Дружная семья.",
        photo=png("отбасы.jpg"),  # a PNG named .jpg: stored as what it is
        by=None,
    )

    assert entry.photo.name.startswith(f"honor_book/{kindergarten.pk}/") and entry.photo.name.endswith(".png")
    assert "отбасы" not in entry.photo.name


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (SimpleUploadedFile("фото.jpg", b"not an image at all", content_type="image/jpeg"), "not_image"),
        (SimpleUploadedFile("фото.jpg", image_bytes("JPEG")[:40], content_type="image/jpeg"), "not_image"),
        (SimpleUploadedFile("фото.gif", image_bytes("GIF"), content_type="image/gif"), "wrong_format"),
        (SimpleUploadedFile("фото.jpg", b"", content_type="image/jpeg"), "empty"),
    ],
    ids=["text", "truncated", "gif", "empty"],
)
def test_a_file_that_is_not_a_jpeg_or_png_is_refused(kindergarten, parent, media, upload, code):
    with pytest.raises(ValidationError) as refused:
        recognition.honor_entry_create(
            organization=kindergarten,
            parent=parent,
            academic_year=YEAR,
            family_name="Отбасы",
            story_kk="Тату",
            photo=upload,
            by=None,
        )

    assert refused.value.error_dict["photo"][0].code == code
    assert not HonorBookEntry.objects.exists()
    assert not any(Path(media).rglob("*.*"))


def test_a_too_large_photo_is_refused(kindergarten, parent, settings):
    big = SimpleUploadedFile("фото.jpg", image_bytes("JPEG"), content_type="image/jpeg")
    big.size = 6 * 1024 * 1024

    with pytest.raises(ValidationError) as refused:
        recognition.honor_entry_create(
            organization=kindergarten,
            parent=parent,
            academic_year=YEAR,
            family_name="Отбасы",
            story_kk="Тату",
            photo=big,
            by=None,
        )

    assert refused.value.error_dict["photo"][0].code == "too_large"


def test_an_entry_needs_a_story_in_one_language(kindergarten, parent):
    with pytest.raises(ValidationError) as refused:
        recognition.honor_entry_create(
            organization=kindergarten, parent=parent, academic_year=YEAR, family_name="Отбасы", photo=jpeg(), by=None
        )

    assert "story_kk" in refused.value.message_dict


def test_the_entry_is_public_only_while_the_familys_consent_is_in_force(client, kindergarten, parent, methodist):
    entry = honor_entry(kindergarten, parent, published=False)
    public = reverse("engagement:public_events", args=[kindergarten.pk])
    photo = reverse("engagement:honor_photo", args=[entry.pk])

    assert "Сериковтер отбасы" not in client.get(public).content.decode()
    assert client.get(photo).status_code == 404

    recognition.honor_consent_give(entry=entry, given_by=parent.full_name, method="in_person", by=methodist.user)
    page = client.get(public).content.decode()
    assert "Сериковтер отбасы" in page and photo in page
    shown = client.get(photo)
    assert shown.status_code == 200 and shown["Content-Type"] == "image/jpeg"
    assert b"".join(shown.streaming_content) == entry.photo.open("rb").read()

    recognition.honor_consent_withdraw(entry=entry)
    assert LogEntry.objects.get_for_object(entry.consents.get()).filter(action=LogEntry.Action.UPDATE).exists()
    assert "Сериковтер отбасы" not in client.get(public).content.decode()
    assert client.get(photo).status_code == 404
    client.force_login(methodist.user)
    assert client.get(photo).status_code == 200  # the organisation's managers still see it


def test_a_manager_records_and_withdraws_the_consent_on_the_entrys_page(client, methodist, kindergarten, parent):
    entry = honor_entry(kindergarten, parent, published=False)
    client.force_login(methodist.user)
    url = reverse("engagement:honor_entry", args=[entry.pk])

    client.post(url, {"given_by": "Сейтқали Ерлан", "method": "paper"})
    consent = HonorBookConsent.objects.get()
    assert (consent.given_by, consent.method, consent.recorded_by) == ("Сейтқали Ерлан", "paper", methodist.user)
    assert list(HonorBookEntry.objects.published()) == [entry]

    again = client.post(url, {"given_by": "Сейтқали Ерлан", "method": "paper"}, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 400 and HonorBookConsent.objects.count() == 1

    client.post(reverse("engagement:honor_consent_withdraw", args=[entry.pk]))
    assert not HonorBookEntry.objects.published().exists()
    assert HonorBookConsent.objects.get().withdrawn_at is not None


def test_a_manager_adds_an_entry_with_a_photo(client, methodist, kindergarten, parent):
    client.force_login(methodist.user)

    response = client.post(
        reverse("engagement:honor_entry_new"),
        {
            "academic_year": current_academic_year(),
            "parent": parent.pk,
            "family_name": "Сейтқалилар отбасы",
            "story_kk": "Тату отбасы.",
            "photo": jpeg(),
        },
    )

    entry = HonorBookEntry.objects.get()
    assert response.status_code == 302 and entry.created_by == methodist.user
    assert not HonorBookEntry.objects.published().exists()  # not public before the consent


def test_a_fake_photo_is_answered_on_the_form(client, methodist, parent):
    client.force_login(methodist.user)

    response = client.post(
        reverse("engagement:honor_entry_new"),
        {
            "academic_year": current_academic_year(),
            "parent": parent.pk,
            "family_name": "Отбасы",
            "story_kk": "Тату.",
            "photo": SimpleUploadedFile("фото.jpg", b"<script>", content_type="image/jpeg"),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 400 and "This file is not a photo" in response.content.decode()
    assert not HonorBookEntry.objects.exists()


def test_deleting_an_entry_removes_its_photo_after_commit(kindergarten, parent, django_capture_on_commit_callbacks):
    entry = honor_entry(kindergarten, parent)
    stored = Path(entry.photo.path)
    assert stored.exists()

    with django_capture_on_commit_callbacks(execute=True):
        recognition.honor_entry_delete(entry=entry)

    assert not stored.exists()
    assert not HonorBookEntry.objects.exists() and not HonorBookConsent.objects.exists()


def test_the_public_page_asks_the_same_queries_for_one_entry_or_many(client, kindergarten):
    honor_entry(kindergarten, f.ParentFactory(organization=kindergarten))
    url = reverse("engagement:public_events", args=[kindergarten.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for _ in range(3):
        honor_entry(kindergarten, f.ParentFactory(organization=kindergarten))
    with CaptureQueriesContext(connection) as four:
        response = client.get(url)

    assert len(response.context["honor_book"]) == 4
    assert len(one) == len(four)


# --- erasure


def test_erasure_anonymises_the_familys_awards_and_deletes_its_honor_book_entries(
    kindergarten, parent, methodist, django_capture_on_commit_callbacks
):
    given = award(kindergarten, parent, by=methodist.user)
    other = award(kindergarten, f.ParentFactory(organization=kindergarten), by=methodist.user)
    entry = honor_entry(kindergarten, parent)
    stored = Path(entry.photo.path)

    with django_capture_on_commit_callbacks(execute=True):
        counts = family_anonymise(parent=parent, reason="erasure")

    given.refresh_from_db()
    assert (given.parent, given.recipient_name, given.reason) == (None, ANONYMISED, ANONYMISED)
    assert given.kind == Award.Kind.MOST_ACTIVE_PARENT  # the year's count of awards stays right
    assert not HonorBookEntry.objects.exists() and not HonorBookConsent.objects.exists()
    assert not stored.exists()
    assert counts["awards_anonymised"] == 1 and counts["honor_book_entries_deleted"] == 1
    other.refresh_from_db()
    assert other.recipient_name != ANONYMISED
    # The audit log keeps that the award was given, not to whom.
    logged = LogEntry.objects.get_for_object(given).get()
    assert parent.full_name not in str(logged.changes) and parent.full_name not in logged.object_repr
