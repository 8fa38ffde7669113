from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.families.models import Child, Parent


def test_parent_list_searches_by_name_and_phone(client, methodist, parent, other_kindergarten):
    f.ParentFactory(organization=other_kindergarten, full_name="Бөтен Ата-ана")
    client.force_login(methodist.user)
    html = client.get(reverse("families:parent_list"), {"q": "Сейтқали"}).content.decode()
    assert parent.full_name in html
    html = client.get(reverse("families:parent_list"), {"q": "701 123"}).content.decode()
    assert parent.full_name in html
    assert "Бөтен" not in client.get(reverse("families:parent_list")).content.decode()


def test_other_organisations_parent_is_404(client, methodist, other_kindergarten):
    stranger = f.ParentFactory(organization=other_kindergarten)
    client.force_login(methodist.user)
    assert client.get(reverse("families:parent_detail", args=[stranger.pk])).status_code == 404
    assert client.get(reverse("families:child_new", args=[stranger.pk])).status_code == 404


def test_new_parent_needs_a_valid_phone_and_consent(client, methodist):
    client.force_login(methodist.user)
    response = client.post(
        reverse("families:parent_new"), {"full_name": "Ким Елена", "phone": "555", "language": "ru", "consent_method": "paper"}
    )
    assert "phone" in response.context["form"].errors
    response = client.post(
        reverse("families:parent_new"), {"full_name": "Ким Елена", "phone": "+7 705 111 22 33", "language": "ru"}
    )
    assert "consent_method" in response.context["form"].errors
    assert Parent.objects.count() == 0
    response = client.post(
        reverse("families:parent_new"),
        {"full_name": "Ким Елена", "phone": "+7 705 111 22 33", "language": "ru", "consent_method": "online"},
    )
    assert response.status_code == 302
    assert Parent.objects.get().consents.get().method == "online"


def test_child_needs_consent_and_a_matching_iin(client, methodist, parent):
    client.force_login(methodist.user)
    url = reverse("families:child_new", args=[parent.pk])
    good = {
        "full_name": "Әбенов Нұрсұлтан",
        "birth_date": "2005-07-12",
        "sex": "m",
        "iin": "050712500121",
        "consent": "on",
        "consent_method": "paper",
    }
    for bad in ({"consent": ""}, {"iin": "050712500122"}, {"sex": "f"}, {"birth_date": "2090-01-01"}):
        response = client.post(url, {**good, **bad})
        assert response.status_code == 200, bad
    assert Child.objects.count() == 0
    assert client.post(url, good).status_code == 302
    assert Child.objects.get().iin == "050712500121"


def test_specialist_cannot_add_parents(client, psychologist):
    client.force_login(psychologist.user)
    assert client.get(reverse("families:parent_new")).status_code == 403


def test_specialist_cannot_browse_the_families_register(client, psychologist, parent):
    client.force_login(psychologist.user)
    assert client.get(reverse("families:parent_list")).status_code == 403
    assert client.get(reverse("families:parent_detail", args=[parent.pk])).status_code == 403


def test_duplicate_iin_gets_a_clear_message(client, methodist, parent):
    f.ChildFactory(parent=parent, iin="050712500121", birth_date="2005-07-12", sex="m")
    client.force_login(methodist.user)
    response = client.post(
        reverse("families:child_new", args=[parent.pk]),
        {
            "full_name": "Екінші бала",
            "birth_date": "2005-07-12",
            "sex": "m",
            "iin": "050712500121",
            "consent": "on",
            "consent_method": "paper",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "already registered" in response.content.decode()
