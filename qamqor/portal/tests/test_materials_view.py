"""The public pages of materials: browse a point's or every point's, filter, search, read,
download; only what is published at an open point."""

import pytest
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.portal.tests.materials import material, mp4, pdf
from qamqor.portal.tests.test_no_english import english_words


@pytest.fixture
def library(point, methodist, other_kindergarten):
    """Materials of two points, a draft, and one of a closed point."""
    org = point.organization
    items = {
        "speech": material(
            org,
            title_kk="Сөйлеуді дамытатын саусақ ойындары",
            age_from=1,
            age_to=3,
            kind="game",
            body_kk="Саусақпен санамақ айтыңыз.",
            by=methodist.user,
        ),
        "sleep": material(
            org,
            title_kk="Ұйқы тәртібі",
            body_kk="Кешкі жеті сағатта жуындырыңыз.",
            topics=("behaviour",),
            age_from=2,
            age_to=5,
            by=methodist.user,
        ),
        "ru": material(
            org,
            language="ru",
            title_kk="",
            title_ru="Как читать с ребёнком",
            body_ru="Каждый вечер по книжке.",
            topics=("age_stages",),
            by=methodist.user,
        ),
        "draft": material(org, published=False, title_kk="Дайын емес жоба", by=methodist.user),
        "other": material(other_kindergarten, title_kk="Басқа пункттің кеңесі", topics=("nutrition",)),
    }
    closed = f.ConsultationPointFactory(is_open=False)
    items["closed"] = material(closed.organization, title_kk="Жабық пункттің кеңесі")
    return items


def titles(response) -> set[str]:
    return {m.title for m in response.context["page"].object_list}


def point_url(point):
    return reverse("portal:point_materials", args=[point.pk])


def test_a_points_materials_are_the_published_ones_of_that_point(client, point, library):
    response = client.get(point_url(point))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert titles(response) == {"Сөйлеуді дамытатын саусақ ойындары", "Ұйқы тәртібі", "Как читать с ребёнком"}
    for name in ("q", "topic", "age", "kind", "language"):
        assert f'for="id_{name}"' in html, name


def test_across_points_every_open_points_published_materials(client, library):
    response = client.get(reverse("portal:materials"))
    assert titles(response) == {
        "Сөйлеуді дамытатын саусақ ойындары",
        "Ұйқы тәртібі",
        "Как читать с ребёнком",
        "Басқа пункттің кеңесі",
    }
    assert library["other"].organization.name in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"topic": "behaviour"}, {"Ұйқы тәртібі"}),
        ({"age": "1"}, {"Сөйлеуді дамытатын саусақ ойындары", "Как читать с ребёнком"}),
        ({"age": "4"}, {"Ұйқы тәртібі", "Как читать с ребёнком"}),
        ({"kind": "game"}, {"Сөйлеуді дамытатын саусақ ойындары"}),
        ({"language": "ru"}, {"Как читать с ребёнком"}),
        ({"q": "ұйқы"}, {"Ұйқы тәртібі"}),
        ({"q": "ЖЕТІ сағатта"}, {"Ұйқы тәртібі"}),  # words of the text, any case
        ({"q": "книжке"}, {"Как читать с ребёнком"}),
        ({"q": "ұйқы книжке"}, set()),  # every word must be found
        ({"topic": "speech", "age": "2", "kind": "game"}, {"Сөйлеуді дамытатын саусақ ойындары"}),
    ],
)
def test_filters_and_search(client, point, library, query, expected):
    assert titles(client.get(point_url(point), query)) == expected


def test_a_bad_filter_shows_nothing_and_says_why(client, point, library):
    response = client.get(point_url(point), {"age": "99"})
    assert response.status_code == 200
    assert titles(response) == set()
    assert response.context["form"].errors


def test_a_closed_or_unknown_point_answers_404(client, library):
    assert client.get(point_url(library["closed"].organization.consultation_point)).status_code == 404
    assert client.get(reverse("portal:point_materials", args=[999999])).status_code == 404


def test_the_list_in_constant_queries(client, point, methodist, library, django_assert_num_queries):
    for n in range(12):
        material(point.organization, title_kk=f"Кеңес {n}", topics=("speech", "behaviour"), by=methodist.user)
    # 1 the point with its organisation, district and region, 2 the active topics for the
    # filter, 3 count, 4 the page of materials with their organisations and points, 5 their topics.
    with django_assert_num_queries(5):
        response = client.get(point_url(point), {"topic": "speech"})
    assert len(titles(response)) == 13
    # Across points, filtered: no point to read.
    with django_assert_num_queries(4):
        client.get(reverse("portal:materials"), {"age": "2", "q": "кеңес"})


def test_a_materials_page_shows_its_text(client, library):
    item = library["sleep"]
    response = client.get(reverse("portal:material", args=[item.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "Кешкі жеті сағатта жуындырыңыз." in html
    assert "2–5 жас" in html
    assert reverse("portal:ask", args=[item.organization.consultation_point.pk]) in html


@pytest.mark.parametrize("name", ["draft", "closed"])
def test_a_draft_or_a_closed_points_material_answers_404(client, library, name):
    assert client.get(reverse("portal:material", args=[library[name].pk])).status_code == 404


def test_a_pdf_downloads_and_a_video_plays(client, point, methodist, media):
    booklet = material(point.organization, kind="booklet", upload=pdf(), by=methodist.user)
    video = material(point.organization, kind="video", upload=mp4(), by=methodist.user)
    link = material(point.organization, kind="video", video_url="https://video.example.kz/ertegi", by=methodist.user)

    page = client.get(reverse("portal:material", args=[booklet.pk])).content.decode()
    assert reverse("portal:material_file", args=[booklet.pk]) in page
    download = client.get(reverse("portal:material_file", args=[booklet.pk]))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")

    page = client.get(reverse("portal:material", args=[video.pk])).content.decode()
    assert (
        f'<video class="w-100 mb-3 bg-black" controls preload="metadata" src="{reverse("portal:material_file", args=[video.pk])}"'
        in page
    )
    played = client.get(reverse("portal:material_file", args=[video.pk]))
    assert played["Content-Type"] == "video/mp4"
    assert played["Content-Disposition"].startswith("inline")

    page = client.get(reverse("portal:material", args=[link.pk])).content.decode()
    assert 'href="https://video.example.kz/ertegi"' in page
    assert client.get(reverse("portal:material_file", args=[link.pk])).status_code == 404


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_english_on_the_material_pages(client, point, library, language, media, methodist):
    booklet = material(point.organization, kind="booklet", upload=pdf(), by=methodist.user)
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    for url in (
        reverse("portal:materials"),
        point_url(point) + "?age=99",
        reverse("portal:material", args=[library["sleep"].pk]),
        reverse("portal:material", args=[booklet.pk]),
    ):
        html = client.get(url).content.decode()
        assert f'<html lang="{language}">' in html
        assert english_words(html) == set(), url
