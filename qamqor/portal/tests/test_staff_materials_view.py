"""The back-office pages of materials: list, create, edit, publish; who may, and 404 for
another organisation's material."""

import pytest
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.portal.models import Material
from qamqor.portal.tests.materials import material, pdf, stored_files


def form(**values) -> dict:
    data = {
        "kind": "consultation",
        "language": "kk",
        "title_kk": "Баланы күн тәртібіне үйрету",
        "title_ru": "",
        "body_kk": "Күн сайын бір уақытта ұйықтатыңыз.",
        "body_ru": "",
        "topics": [f.topic("behaviour").pk],
        "age_from": "1",
        "age_to": "3",
        "video_url": "",
    }
    data.update(values)
    return data


@pytest.fixture
def other_material(other_kindergarten):
    return material(other_kindergarten, title_kk="Басқа балабақшаның материалы")


@pytest.fixture
def draft(kindergarten, methodist):
    return material(kindergarten, published=False, by=methodist.user)


def urls(item) -> list[tuple[str, str]]:
    return [
        ("get", reverse("portal:staff_materials")),
        ("get", reverse("portal:staff_material_new")),
        ("get", reverse("portal:staff_material", args=[item.pk])),
        ("post", reverse("portal:staff_material_publish", args=[item.pk])),
    ]


def test_anonymous_visitors_are_sent_to_login(client, draft):
    for method, url in urls(draft):
        response = getattr(client, method)(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_people_without_an_authoring_role_are_refused(client, kindergarten, draft):
    secretary = f.staff(kindergarten, "secretary")
    nobody = f.UserFactory()
    for user in (secretary.user, nobody):
        client.force_login(user)
        for method, url in urls(draft):
            assert getattr(client, method)(url).status_code == 403, url


def test_another_organisations_material_answers_404(client, methodist, other_material):
    client.force_login(methodist.user)
    assert client.get(reverse("portal:staff_material", args=[other_material.pk])).status_code == 404
    response = client.post(reverse("portal:staff_material", args=[other_material.pk]), form())
    assert response.status_code == 404
    assert (
        client.post(reverse("portal:staff_material_publish", args=[other_material.pk]), {"action": "unpublish"}).status_code
        == 404
    )
    other_material.refresh_from_db()
    assert other_material.is_published and other_material.title_kk == "Басқа балабақшаның материалы"
    assert other_material.title not in client.get(reverse("portal:staff_materials")).content.decode()


def test_the_list_shows_drafts_and_published_of_the_organisation(client, kindergarten, methodist, draft, other_material):
    material(kindergarten, title_kk="Тамақтану туралы", body_kk="Көкөніс", by=methodist.user)
    client.force_login(methodist.user)
    response = client.get(reverse("portal:staff_materials"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "Баланың сөйлеуін дамыту" in html and "Тамақтану туралы" in html
    drafts = client.get(reverse("portal:staff_materials"), {"show": "draft"}).content.decode()
    assert "Баланың сөйлеуін дамыту" in drafts and "Тамақтану туралы" not in drafts


def test_the_list_in_constant_queries(client, kindergarten, methodist, django_assert_max_num_queries):
    client.force_login(methodist.user)
    material(kindergarten, by=methodist.user)
    client.get(reverse("portal:staff_materials"))
    for n in range(10):
        material(kindergarten, title_kk=f"Материал {n}", by=methodist.user)
    # session, user, roles, count, page with authors, topics (and the savepoint-free reads).
    with django_assert_max_num_queries(7):
        response = client.get(reverse("portal:staff_materials"))
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["methodist", "psychologist"])
def test_a_methodist_or_a_specialist_writes_a_draft(db, client, request, persona):
    member = request.getfixturevalue(persona)
    client.force_login(member.user)
    page = client.get(reverse("portal:staff_material_new")).content.decode()
    assert page.count("<h1") == 1
    for name in ("kind", "language", "title_kk", "title_ru", "body_kk", "age_from", "file", "video_url"):
        assert f'for="id_{name}"' in page, name
    assert 'enctype="multipart/form-data"' in page
    response = client.post(reverse("portal:staff_material_new"), form())
    item = Material.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:staff_material", args=[item.pk])
    assert (item.organization, item.created_by, item.is_published) == (member.organization, member.user, False)
    assert (item.age_from, item.age_to, [t.code for t in item.topics.all()]) == (1, 3, ["behaviour"])


def test_a_fake_pdf_is_refused_with_a_message_and_nothing_is_saved(client, methodist, media):
    client.force_login(methodist.user)
    data = form(kind="booklet", body_kk="", file=pdf(name="буклет.pdf", content=b"PK\x03\x04 a zip, not a pdf"))
    response = client.post(reverse("portal:staff_material_new"), data)
    assert response.status_code == 400
    assert "Бұл файл PDF емес" in response.content.decode()
    assert Material.objects.count() == 0
    assert stored_files(media) == []


def test_a_booklet_with_its_pdf_and_the_draft_file_is_for_staff_only(client, methodist, media):
    client.force_login(methodist.user)
    response = client.post(reverse("portal:staff_material_new"), form(kind="booklet", body_kk="", file=pdf()))
    item = Material.objects.get()
    assert response.status_code == 302 and item.has_pdf
    assert len(stored_files(media)) == 1
    assert client.get(reverse("portal:material_file", args=[item.pk])).status_code == 200
    client.logout()
    assert client.get(reverse("portal:material_file", args=[item.pk])).status_code == 404
    assert client.get(reverse("portal:material", args=[item.pk])).status_code == 404


def test_editing_keeps_what_is_not_changed(client, methodist, draft):
    client.force_login(methodist.user)
    page = client.get(reverse("portal:staff_material", args=[draft.pk])).content.decode()
    assert "Баланың сөйлеуін дамыту" in page
    response = client.post(
        reverse("portal:staff_material", args=[draft.pk]),
        form(title_kk="Сөйлеуді дамыту ойындары", language="kk_ru", title_ru="Игры для развития речи", body_ru="Играйте"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.title_kk, draft.title_ru, draft.language) == ("Сөйлеуді дамыту ойындары", "Игры для развития речи", "kk_ru")


def test_a_bad_edit_says_why_and_changes_nothing(client, methodist, draft):
    client.force_login(methodist.user)
    response = client.post(reverse("portal:staff_material", args=[draft.pk]), form(language="kk_ru"))
    assert response.status_code == 400
    assert "Материалдың әр тілінде атауын жазыңыз." in response.content.decode()
    draft.refresh_from_db()
    assert draft.language == "kk"


def test_publish_and_take_off(client, methodist, draft):
    client.force_login(methodist.user)
    url = reverse("portal:staff_material_publish", args=[draft.pk])
    assert client.get(url).status_code == 405
    client.post(url, {"action": "publish"})
    draft.refresh_from_db()
    assert draft.is_published
    assert client.get(reverse("portal:material", args=[draft.pk])).status_code == 200
    client.post(url, {"action": "unpublish"})
    draft.refresh_from_db()
    assert not draft.is_published
    assert client.get(reverse("portal:material", args=[draft.pk])).status_code == 404


def test_an_incomplete_draft_is_not_published_and_the_page_says_why(client, methodist, draft):
    Material.objects.filter(pk=draft.pk).update(body_kk="")
    client.force_login(methodist.user)
    response = client.post(reverse("portal:staff_material_publish", args=[draft.pk]), {"action": "publish"}, follow=True)
    assert "Материалды әлі жариялауға болмайды" in response.content.decode()
    draft.refresh_from_db()
    assert not draft.is_published
