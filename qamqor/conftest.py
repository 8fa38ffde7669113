"""Named personas for the suite: a kindergarten's consultation point and its people."""

from __future__ import annotations

import pytest

from qamqor.core.testing import factories as f

# The browser tests' fixtures (qamqor/core/testing/browser.py). Imported here rather than loaded
# with `-p`: a conftest's fixture overrides pytest-django's `live_server`, a plugin's would not.
from qamqor.core.testing.browser import browser, browser_locale, live_server, new_page, page  # noqa: F401


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with nothing cached (the cache lives in the process, across tests)."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def kindergarten(db):
    point = f.ConsultationPointFactory(
        organization__name="№8 «Думан» балабақшасы", organization__name_ru="Детский сад №8 «Думан»"
    )
    return point.organization


@pytest.fixture
def other_kindergarten(db):
    return f.ConsultationPointFactory().organization


@pytest.fixture
def room(kindergarten):
    return f.RoomFactory(organization=kindergarten, name="Психолог кабинеті")


@pytest.fixture
def methodist(kindergarten):
    return f.staff(kindergarten, "methodist", full_name="Ахметова Гүлнар Серікқызы", username="methodist")


@pytest.fixture
def head(kindergarten):
    return f.staff(kindergarten, "head", full_name="Бекова Сәуле Әлібекқызы", username="head")


@pytest.fixture
def social_pedagogue(kindergarten):
    """Keeps the social passport (qamqor/social); passes the second factor at login (conftest shim)."""
    return f.staff(kindergarten, "social_pedagogue", full_name="Қасымова Жанар Болатқызы", username="social")


@pytest.fixture
def psychologist(kindergarten, room):
    m = f.staff(kindergarten, "psychologist", full_name="Оспанова Айгүл Маратқызы", username="psychologist")
    f.weekly_hours(m, room=room)
    return m


@pytest.fixture
def speech_therapist(kindergarten):
    m = f.staff(kindergarten, "speech_therapist", full_name="Жұмабаева Ләззат Қайратқызы", username="speech")
    f.weekly_hours(m, room=f.RoomFactory(organization=kindergarten, name="Логопед кабинеті"))
    return m


@pytest.fixture
def parent(kindergarten):
    return f.ParentFactory(organization=kindergarten, full_name="Сейтқали Динара Ерланқызы", phone="+77011234567")


@pytest.fixture
def child(parent):
    return f.ChildFactory(parent=parent, full_name="Сейтқали Әлихан")


@pytest.fixture
def district_officer(kindergarten):
    from qamqor.orgs.models import Membership

    user = f.UserFactory(username="officer", full_name="Омаров Ерлан")
    return Membership.objects.create(user=user, role="district_officer", district=kindergarten.district)


def pytest_collection_modifyitems(items):
    """Mark the tests that use the browser (`-m "not browser"` leaves them out) and run them last:
    one Chromium serves them all, and while it runs Django's async-safety check is off."""
    in_browser = [item for item in items if "browser" in getattr(item, "fixturenames", ())]
    for item in in_browser:
        item.add_marker(pytest.mark.browser)
    later = {id(item) for item in in_browser}
    items[:] = [item for item in items if id(item) not in later] + in_browser
    # The tests that open generated documents in LibreOffice, by their files' names (`-m "not
    # libreoffice"` leaves them out: each LibreOffice start takes a second or two).
    for item in items:
        if "libreoffice" in item.path.name:
            item.add_marker(pytest.mark.libreoffice)
