"""Two parents, two phones, one free time: both saw it free, both ask for it, one gets it.

Both chose the speech therapist for a topic that the psychologist also takes, at 10:00, when the
psychologist is free too. The loser sees, in their own language, that the time was just taken and
the nearest free times of the speech therapist they chose (not the psychologist's 10:00), with
everything they typed still in the form; the database holds one appointment for the time and
nothing of the losing application. On PostgreSQL both forms go off together (the live server
answers each request in its own thread, with its own connection); on SQLite the test database
lives in memory and the server's threads share the test's one connection, so the second form goes
off only when the first is answered: both parents still saw the time as free.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import connection

from qamqor.core.testing import factories as f
from qamqor.core.testing.browser import save_screenshot
from qamqor.families.models import Child, Parent
from qamqor.journal.models import Request, Status
from qamqor.portal.selectors import nearest_times, offered_times
from qamqor.portal.tests.browsing import counts, day_legend, field, language_of, texts
from qamqor.scheduling.models import Appointment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' regions and topics

TOGETHER = connection.vendor == "postgresql"

PARENTS = {
    "kk-KZ": {"name": "Әбенова Мадина Серікқызы", "phone": "8 701 555 12 34", "child": "Әбенов Нұрсұлтан"},
    "ru-RU": {"name": "Ким Алиса Викторовна", "phone": "+7 702 555 98 76", "child": "Ким Тимур"},
}


def fill_in(page, locale: str, said: dict[str, str], legend: str, specialist) -> None:
    """Choose 10:00 on the day and give everything a booking needs."""
    parent = PARENTS[locale]
    page.get_by_role("group", name=legend, exact=True).get_by_label(f"10:00 · {specialist.person_name}").check()
    field(page, said["full name"]).fill(parent["name"])
    field(page, said["phone"]).fill(parent["phone"])
    field(page, said["child"]).fill(parent["child"])
    field(page, said["birth date"]).fill("2022-05-17")
    field(page, said["boy or girl"]).select_option(label=said["boy"])
    field(page, said["question"]).fill("Бала түнде жиі оянады")
    field(page, said["consent"]).check()


def submit(page, said: dict[str, str]) -> None:
    """Press "Book this time" without waiting for the answer, so that the other form can go too."""
    page.get_by_role("button", name=said["book this time"], exact=True).evaluate("button => button.form.requestSubmit(button)")


@pytest.mark.parametrize("first_locale", ["kk-KZ", "ru-RU"])
def test_two_parents_ask_for_one_time_and_one_gets_it(
    new_page, point, methodist, psychologist, speech_therapist, day, first_locale
):
    second_locale = "ru-RU" if first_locale == "kk-KZ" else "kk-KZ"
    when = f.at(day, "10:00")
    # School readiness is the psychologist's topic as well as the speech therapist's.
    apply_url = f"/points/{point.pk}/apply/?" + urlencode({"topic": "school_readiness", "specialist": speech_therapist.pk})

    # Both parents open the form and see 10:00 free.
    phones = {}
    for locale in (first_locale, second_locale):
        said = texts(language_of(locale))
        phone = new_page(locale)
        phone.goto(apply_url)
        fill_in(phone, locale, said, day_legend(language_of(locale), day), speech_therapist)
        phones[locale] = (phone, said)
    before = counts()
    assert before["Appointment"] == before["Request"] == 0

    # Both ask for it.
    (first, said_first), (second, said_second) = phones[first_locale], phones[second_locale]
    if TOGETHER:
        with first.expect_navigation() as first_answer, second.expect_navigation() as second_answer:
            submit(first, said_first)
            submit(second, said_second)
    else:
        with first.expect_navigation() as first_answer:
            submit(first, said_first)
        first_answer.value.finished()
        with second.expect_navigation() as second_answer:
            submit(second, said_second)
    answers = {first_locale: first_answer.value, second_locale: second_answer.value}

    # Exactly one is booked; the other is told so (409) in their language.
    won = [locale for locale, answer in answers.items() if answer.status == 200 and "/my/" in answer.url]
    lost = [locale for locale, answer in answers.items() if answer.status == 409]
    assert len(won) == len(lost) == 1, {locale: (answer.status, answer.url) for locale, answer in answers.items()}
    if not TOGETHER:
        assert won == [first_locale]
    (winner, said_winner), (loser, said_loser) = phones[won[0]], phones[lost[0]]
    loser_language = language_of(lost[0])
    assert winner.get_by_role("heading", level=1).inner_text() == said_winner["booked"]
    save_screenshot(winner, f"race-won-{language_of(won[0])}")

    assert loser.locator("html").get_attribute("lang") == loser_language
    assert loser.get_by_role("alert").inner_text().strip() == said_loser["just taken"]
    times = loser.get_by_role("group", name=said_loser["nearest"], exact=True)
    shown = times.locator('input[name="slot"]').evaluate_all("inputs => inputs.map(i => i.value)")
    nearest = nearest_times(offered_times([speech_therapist]), around=when)
    assert len(nearest) == 3
    # The chosen specialist's nearest free times (not the psychologist's 10:00), then "none suits me".
    assert shown == [*(t.value for t in nearest), "none"]
    chosen = field(loser, said_loser["specialist"]).locator("option:checked")
    assert chosen.get_attribute("value") == str(speech_therapist.pk)
    assert times.locator('input[name="slot"]:checked').count() == 0
    assert field(loser, said_loser["full name"]).input_value() == PARENTS[lost[0]]["name"]  # nothing to type again
    assert field(loser, said_loser["consent"]).is_checked()
    save_screenshot(loser, f"race-taken-{loser_language}")

    # One appointment for the time; of the loser's application nothing at all.
    appointment = Appointment.objects.get()
    assert (appointment.starts_at, appointment.status) == (when, Appointment.Status.BOOKED)
    assert [link.membership for link in appointment.specialist_links.all()] == [speech_therapist]
    request = Request.objects.get()
    assert appointment.request == request and request.status == Status.SCHEDULED
    assert Parent.objects.get().full_name == PARENTS[won[0]]["name"]
    assert Child.objects.get().full_name == PARENTS[won[0]]["child"]
    after = counts()
    written = {name: after[name] - before[name] for name in after}
    assert written == {
        "Parent": 1,
        "Child": 1,
        "Consent": 2,  # the parent's and the child's
        "Request": 1,
        "StatusChange": request.status_changes.count(),
        "Appointment": 1,
        "ApplicationAttempt": 2,  # the address and the phone of the one recorded application
    }

    # The loser takes the first of the nearest times and is booked too.
    times.locator(f'input[value="{nearest[0].value}"]').check()
    loser.get_by_role("button", name=said_loser["book this time"], exact=True).click()
    loser.wait_for_url("**/my/*/done/")
    assert loser.get_by_role("heading", level=1).inner_text() == said_loser["booked"]
    assert sorted(Appointment.objects.values_list("starts_at", flat=True)) == sorted([when, nearest[0].starts_at])
