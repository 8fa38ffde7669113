import pytest
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.orgs.models import District, Region


@pytest.fixture
def points(point):
    """Three open points in two regions and one closed point."""
    almaty = point.organization.district  # the factories' districts are in Almaty (750000000)
    astana_region = Region.objects.get(kato="710000000")
    esil = District.objects.create(
        region=astana_region, kato="711210000", name="Есіл ауданы", name_kk="Есіл ауданы", name_ru="район Есиль"
    )
    balapan = f.ConsultationPointFactory(
        organization__district=esil,
        organization__name="№12 «Балапан» бөбекжай-бақшасы",
        organization__name_ru="Ясли-сад №12 «Балапан»",
    )
    other_almaty = f.ConsultationPointFactory(organization__district=almaty)
    closed = f.ConsultationPointFactory(organization__district=esil, organization__name="Жабық «Ертегі» бақшасы", is_open=False)
    return {"duman": point, "balapan": balapan, "other_almaty": other_almaty, "closed": closed, "esil": esil}


def names(response):
    return [p.organization.name for p in response.context["page"].object_list]


def test_anonymous_visitors_see_the_finder_at_the_root(client, points):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "№12 «Балапан» бөбекжай-бақшасы" in html
    assert '<html lang="kk">' in html


def test_staff_still_go_to_their_work_from_the_root(client, methodist):
    client.force_login(methodist.user)
    assert client.get("/")["Location"] == reverse("journal:list")


def test_only_open_points_are_listed(client, points):
    listed = names(client.get(reverse("portal:finder")))
    assert len(listed) == 3
    assert "Жабық «Ертегі» бақшасы" not in listed
    assert client.get(reverse("portal:point", args=[points["closed"].pk])).status_code == 404


def test_filter_by_region(client, points):
    response = client.get(reverse("portal:finder"), {"region": Region.objects.get(kato="710000000").pk})
    assert names(response) == ["№12 «Балапан» бөбекжай-бақшасы"]


def test_filter_by_district(client, points):
    response = client.get(reverse("portal:finder"), {"district": points["duman"].organization.district_id})
    assert set(names(response)) == {"№8 «Думан» балабақшасы", points["other_almaty"].organization.name}


def test_a_region_narrows_the_districts_offered(client, points):
    response = client.get(reverse("portal:finder"), {"region": Region.objects.get(kato="710000000").pk})
    assert list(response.context["form"].fields["district"].queryset) == [points["esil"]]


@pytest.mark.parametrize("text", ["думан", "Думан", "ДУМАН", "Детский сад №8", "«думан»"])
def test_search_by_name_in_either_language_and_any_case(client, points, text):
    assert names(client.get(reverse("portal:finder"), {"q": text})) == ["№8 «Думан» балабақшасы"]


def test_nothing_found_says_so_in_kazakh(client, points):
    html = client.get(reverse("portal:finder"), {"q": "жоқ атау"}).content.decode()
    assert "Табылған консультациялық пункттер: 0" in html


def test_a_bad_filter_shows_the_error_and_no_points(client, points):
    response = client.get(reverse("portal:finder"), {"region": "999999"})
    assert response.status_code == 200
    assert names(response) == []
    assert response.context["form"].errors


def test_the_finder_in_constant_queries(client, points, django_assert_num_queries):
    for _ in range(10):
        f.ConsultationPointFactory(organization__district=points["esil"])
    astana = Region.objects.get(kato="710000000")
    # 1 the chosen region (the form checks it exists), 2 count, 3 the regions for the filter,
    # 4 the region's districts that have open points, 5 the page of points with their
    # organisations, districts and regions.
    with django_assert_num_queries(5):
        response = client.get(reverse("portal:finder"), {"region": astana.pk})
    assert len(names(response)) == 11
    # Without a filter: count, regions, districts, the page.
    with django_assert_num_queries(4):
        response = client.get(reverse("portal:finder"))
    assert len(names(response)) == 13
