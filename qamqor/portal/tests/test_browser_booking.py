"""A parent's whole journey on a phone: find the point, book a time, then cancel it from the link.

The parent books in one language and later opens the private link on another phone set to the
other language: the page first speaks the language the parent booked in (their letters' language),
the site's switcher turns it into the phone's, and the parent moves the time, then cancels. Both directions run
(kk → ru, ru → kk), so every step is seen, and screenshotted, in Kazakh and in Russian.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.core import mail

from qamqor.core.testing import factories as f
from qamqor.core.testing.browser import save_screenshot
from qamqor.journal.models import Channel, Request, Status
from qamqor.portal.tests.browsing import day_legend, field, in_language, language_of, shown_time, texts
from qamqor.scheduling.models import Appointment

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' regions and topics

LANGUAGE_BUTTON = {"kk": "Қазақша", "ru": "Русский"}  # the switcher names each language in itself


@pytest.fixture
def elsewhere(kindergarten):
    """Two more open points the search must leave out: another name in the same region, and the
    same name in another region."""
    f.ConsultationPointFactory(organization__district=kindergarten.district)
    f.ConsultationPointFactory(
        organization__name="№3 «Думан» бөбекжайы",
        organization__name_kk="№3 «Думан» бөбекжайы",
        organization__name_ru="Ясли №3 «Думан»",
        organization__district=f.DistrictFactory(region=f.region("710000000")),
    )


@pytest.mark.parametrize(
    ("browser_locale", "other_locale", "topic_code", "chooses_specialist"),
    [
        pytest.param("kk-KZ", "ru-RU", "behaviour", True, id="books-in-kk-cancels-in-ru"),
        pytest.param("ru-RU", "kk-KZ", "school_readiness", False, id="books-in-ru-cancels-in-kk"),
    ],
)
def test_a_parent_books_on_a_phone_and_cancels_from_the_link(
    page,
    new_page,
    live_server,
    point,
    methodist,
    psychologist,
    speech_therapist,
    elsewhere,
    day,
    browser_locale,
    other_locale,
    topic_code,
    chooses_specialist,
):
    language, other = language_of(browser_locale), language_of(other_locale)
    said, said_other = texts(language), texts(other)
    organisation = point.organization
    point_name = in_language(language, lambda: organisation.name)
    topic = f.topic(topic_code)
    starts_at = f.at(day, "10:00")

    # 1. The finder at the root: the region and a word of the kindergarten's name.
    page.goto("/")
    assert page.locator("html").get_attribute("lang") == language
    assert page.get_by_role("heading", level=1).inner_text() == said["finder"]
    field(page, said["region"]).select_option(label=in_language(language, lambda: organisation.district.region.name))
    field(page, said["name or number"]).fill("Думан")
    page.get_by_role("button", name=said["find"], exact=True).click()
    page.wait_for_url("**/points/?*")
    found = page.get_by_role("heading", level=3)
    assert found.all_inner_texts() == [point_name]  # not the other name, nor the same name elsewhere
    save_screenshot(page, f"booking-1-finder-{language}")

    # 2. The point's page.
    found.get_by_role("link").click()
    page.wait_for_url(f"**/points/{point.pk}/")
    assert page.get_by_role("heading", level=1).inner_text() == point_name
    assert psychologist.person_name in page.locator("main").inner_text()
    save_screenshot(page, f"booking-2-point-{language}")

    # 3. Applying: the topic first, then a specialist or anyone suitable, then a free time.
    page.get_by_role("link", name=said["book"]).click()
    page.wait_for_url(f"**/points/{point.pk}/apply/")
    field(page, said["topic"]).select_option(label=in_language(language, lambda: topic.name))
    page.get_by_role("button", name=said["next"], exact=True).click()
    specialist = field(page, said["specialist"])
    specialist.wait_for()
    assert specialist.locator("option:checked").inner_text() == said["anyone"]
    if chooses_specialist:
        specialist.select_option(value=str(psychologist.pk))
        page.get_by_role("button", name=said["show times"], exact=True).click()
        page.wait_for_url(f"**specialist={psychologist.pk}*")
    times_that_day = page.get_by_role("group", name=day_legend(language, day), exact=True)
    times_that_day.get_by_label(f"10:00 · {psychologist.person_name}").check()

    field(page, said["full name"]).fill("Әбенова Мадина Серікқызы")
    field(page, said["phone"]).fill("8 701 555 12 34")
    field(page, said["email"]).fill("madina@example.com")
    field(page, said["child"]).fill("Әбенов Нұрсұлтан")
    field(page, said["birth date"]).fill("2022-05-17")
    field(page, said["boy or girl"]).select_option(label=said["boy"])
    field(page, said["question"]).fill("Бала түнде жиі оянады")
    field(page, said["consent"]).check()
    save_screenshot(page, f"booking-3-apply-{language}")
    page.get_by_role("button", name=said["book this time"], exact=True).click()

    # 4. The confirmation: the time, and the private link to keep.
    page.wait_for_url("**/my/*/done/")
    assert page.get_by_role("heading", level=1).inner_text() == said["booked"]
    request = Request.objects.get()
    appointment = Appointment.objects.get()
    assert (request.channel, request.status, request.topic) == (Channel.ONLINE, Status.SCHEDULED, topic)
    assert (appointment.starts_at, appointment.status) == (starts_at, Appointment.Status.BOOKED)
    assert request.parent.language == language  # the form proposed the page's language
    assert shown_time(language, appointment.starts_at, appointment.ends_at) in page.locator("main").inner_text()
    link = page.get_by_role("region", name=said["private link"]).get_by_role("link")
    manage_path = link.get_attribute("href")
    manage_url = link.inner_text()
    assert manage_url == live_server.url + manage_path
    assert urlsplit(page.url).path == manage_path + "done/"
    save_screenshot(page, f"booking-4-confirmation-{language}")
    assert [manage_url in letter.body for letter in mail.outbox] == [True]

    # 5. Later, on a phone in the other language: the link speaks the parent's language first,
    # and the site's switcher turns it into the phone's.
    phone = new_page(other_locale)
    phone.goto(manage_url)
    assert phone.locator("html").get_attribute("lang") == language
    phone.get_by_role("button", name=LANGUAGE_BUTTON[other], exact=True).click()
    phone.wait_for_function(f"document.documentElement.lang === '{other}'")
    assert urlsplit(phone.url).path == manage_path
    heading = said_other["your request"] % {"number": request.display_number}
    assert phone.get_by_role("heading", level=1).inner_text() == heading
    assert shown_time(other, appointment.starts_at, appointment.ends_at) in phone.locator("main").inner_text()
    save_screenshot(phone, f"booking-5-manage-{other}")

    # 6. Moving to another free time of the same specialist.
    moved_to = f.at(day, "11:00")
    phone.get_by_role("group", name=day_legend(other, day), exact=True).get_by_label("11:00", exact=True).check()
    phone.get_by_role("button", name=said_other["move to this time"], exact=True).click()
    phone.wait_for_url(f"**{manage_path}")
    assert phone.get_by_role("alert").inner_text().strip() == said_other["moved"]
    moved = Appointment.objects.get(status=Appointment.Status.BOOKED)
    assert moved.starts_at == moved_to
    assert shown_time(other, moved.starts_at, moved.ends_at) in phone.locator("main").inner_text()
    save_screenshot(phone, f"booking-6-moved-{other}")

    # 7. Cancelling asks once more, then cancels.
    phone.get_by_role("link", name=said_other["cancel my request"]).click()
    phone.wait_for_url(f"**{manage_path}cancel/")
    assert phone.get_by_role("heading", level=1).inner_text() == said_other["cancel?"]
    save_screenshot(phone, f"booking-7-cancel-{other}")
    phone.get_by_role("button", name=said_other["yes, cancel"], exact=True).click()
    phone.wait_for_url(f"**{manage_path}")
    assert phone.get_by_role("alert").inner_text().strip() == said_other["cancelled"]
    assert said_other["status cancelled"] in phone.locator(".portal-summary").inner_text()
    assert phone.get_by_role("link", name=said_other["cancel my request"]).count() == 0
    save_screenshot(phone, f"booking-8-cancelled-{other}")

    # The journal holds the one online request, cancelled, and both its times are free again.
    request.refresh_from_db()
    assert Request.objects.count() == 1
    assert (request.channel, request.status) == (Channel.ONLINE, Status.CANCELLED)
    assert sorted(request.appointments.values_list("starts_at", "status")) == [
        (starts_at, Appointment.Status.CANCELLED),
        (moved_to, Appointment.Status.CANCELLED),
    ]
    assert len(mail.outbox) == 3  # booked, moved, cancelled
