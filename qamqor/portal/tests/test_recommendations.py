"""The specialist recommends materials when closing a request (the journal's completion form,
extended by the portal through qamqor/journal/hooks.py); the parent sees them on their page."""

import pytest
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.journal.models import Request, Status
from qamqor.journal.services import request_complete
from qamqor.portal.links import manage_token
from qamqor.portal.models import Material
from qamqor.portal.services import portal_apply
from qamqor.portal.tests.materials import material


@pytest.fixture
def booked(point, psychologist, day):
    """A parent's online application on behaviour, booked with the psychologist."""
    return portal_apply(
        point=point,
        topic=f.topic("behaviour"),
        parent_full_name="Әбенова Мадина Серікқызы",
        phone="8 701 555 12 34",
        question="Бала түнде жиі оянады",
        consent_given=True,
        client_address="10.0.0.1",
        specialist=psychologist,
        starts_at=f.at(day, "10:00"),
    ).request


@pytest.fixture
def materials(point, methodist, other_kindergarten):
    org = point.organization
    return {
        "sleep": material(org, title_kk="Ұйқы тәртібі", topics=("behaviour",), by=methodist.user),
        "speech": material(org, title_kk="Сөйлеу ойындары", topics=("speech",), by=methodist.user),
        "draft": material(org, title_kk="Жоба", published=False, by=methodist.user),
        "other": material(other_kindergarten, title_kk="Басқа балабақшаның кеңесі"),
    }


def detail(client, item):
    return client.get(reverse("journal:detail", args=[item.pk]))


def complete(client, item, **extra):
    data = {"recommendations": "Кешкі жеті сағатта жуындырыңыз", "outcome": "", **extra}
    return client.post(reverse("journal:complete", args=[item.pk]), data, follow=True)


def test_the_completion_form_offers_the_organisations_published_materials_topic_first(client, booked, psychologist, materials):
    client.force_login(psychologist.user)
    response = detail(client, booked)
    html = response.content.decode()
    field = response.context["complete_form"].fields["recommended_materials"]
    assert [label.split(" · ")[0] for _pk, label in field.choices] == ["Ұйқы тәртібі", "Сөйлеу ойындары"]
    assert "Жоба" not in html and "Басқа балабақшаның кеңесі" not in html
    assert 'name="recommended_materials"' in html


def test_without_published_materials_the_form_is_as_before(client, booked, psychologist):
    client.force_login(psychologist.user)
    assert "recommended_materials" not in detail(client, booked).context["complete_form"].fields


def test_the_chosen_materials_are_kept_and_shown_to_the_parent(client, booked, psychologist, materials):
    client.force_login(psychologist.user)
    response = complete(client, booked, recommended_materials=[materials["sleep"].pk, materials["speech"].pk])
    assert response.status_code == 200
    booked.refresh_from_db()
    assert booked.status == Status.DONE
    assert set(booked.recommended_materials.all()) == {materials["sleep"], materials["speech"]}

    client.logout()
    page = client.get(reverse("portal:manage", args=[manage_token(booked)])).content.decode()
    assert "Маман ұсынған материалдар" in page
    assert reverse("portal:material", args=[materials["sleep"].pk]) in page
    assert "Сөйлеу ойындары" in page


def test_a_material_taken_off_the_site_leaves_the_parents_page(client, booked, psychologist, materials):
    client.force_login(psychologist.user)
    complete(client, booked, recommended_materials=[materials["sleep"].pk])
    Material.objects.filter(pk=materials["sleep"].pk).update(is_published=False)
    client.logout()
    page = client.get(reverse("portal:manage", args=[manage_token(booked)])).content.decode()
    assert "Ұйқы тәртібі" not in page and "Маман ұсынған материалдар" not in page


@pytest.mark.parametrize("name", ["draft", "other"])
def test_a_draft_or_another_organisations_material_is_refused_and_nothing_closes(client, booked, psychologist, materials, name):
    client.force_login(psychologist.user)
    response = complete(client, booked, recommended_materials=[materials[name].pk])
    assert len(list(response.context["messages"])) == 1
    booked.refresh_from_db()
    assert booked.status == Status.SCHEDULED
    assert not booked.recommended_materials.exists()


def test_completing_without_materials_works_as_before(client, booked, psychologist, materials):
    client.force_login(psychologist.user)
    complete(client, booked)
    booked.refresh_from_db()
    assert booked.status == Status.DONE and not booked.recommended_materials.exists()


def test_the_service_refuses_what_the_form_would_not_offer(booked, psychologist, materials):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        request_complete(
            request=booked,
            recommendations="Ойнаңыз",
            by=psychologist.user,
            extra={"recommended_materials": [materials["other"]]},
        )
    assert Request.objects.get(pk=booked.pk).status == Status.SCHEDULED


def test_another_organisations_request_is_still_404(client, booked, materials, other_kindergarten):
    stranger = f.staff(other_kindergarten, "psychologist")
    client.force_login(stranger.user)
    response = client.post(reverse("journal:complete", args=[booked.pk]), {"recommendations": "x"})
    assert response.status_code == 404
