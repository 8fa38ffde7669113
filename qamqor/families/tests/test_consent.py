"""Consent in force, and its withdrawal: who the staff's lists still offer."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.families.models import Child, Consent, Parent
from qamqor.families.services import consent_record, consent_withdraw


def test_consenting_parents_and_children(parent, child, kindergarten):
    quiet = f.ParentFactory(organization=kindergarten, full_name="Кері қайтарған Ата-ана")
    quiet_child = f.ChildFactory(parent=quiet)
    quiet.consents.update(withdrawn_at="2026-01-10T10:00:00+05:00")

    assert list(Parent.objects.consenting()) == [parent]
    assert list(Child.objects.consenting()) == [child]
    # A later consent, given anew, brings them back.
    consent_record(parent=quiet, scope=Consent.Scope.PARENT, method=Consent.Method.PAPER)
    assert set(Parent.objects.consenting()) == {parent, quiet}
    assert list(Child.objects.consenting()) == [child]
    consent_record(parent=quiet, scope=Consent.Scope.CHILD, method=Consent.Method.PAPER)
    assert set(Child.objects.consenting()) == {child, quiet_child}


def test_consenting_costs_one_query_however_many_consents(parent, kindergarten, django_assert_num_queries):
    for _ in range(3):
        consent_record(parent=parent, scope=Consent.Scope.PARENT, method=Consent.Method.ONLINE)
    f.ParentFactory(organization=kindergarten)
    with django_assert_num_queries(1):
        assert len(Parent.objects.consenting().filter(organization=kindergarten)) == 2


def test_withdrawing_records_it_and_erases_what_only_the_consent_kept(parent):
    parent.email = "dinara@example.com"
    parent.save()
    child = f.ChildFactory(parent=parent, iin="050712500121", birth_date="2005-07-12", sex="m")

    consent_withdraw(parent=parent)

    assert parent.consents.count() == 2
    assert not parent.consents.filter(withdrawn_at__isnull=True).exists()
    parent.refresh_from_db()
    child.refresh_from_db()
    assert parent.email == "" and child.iin == ""
    assert (parent.full_name, parent.phone, child.full_name) == ("Сейтқали Динара Ерланқызы", "+77011234567", child.full_name)
    assert parent.consent_withdrawn_at == parent.consents.first().withdrawn_at
    assert not parent.has_consent(Consent.Scope.PARENT)


def test_withdrawing_twice_is_refused(parent):
    consent_withdraw(parent=parent)
    first = list(parent.consents.values_list("withdrawn_at", flat=True))
    with pytest.raises(ValidationError) as info:
        consent_withdraw(parent=parent)
    assert info.value.code == "already_withdrawn"
    assert list(parent.consents.values_list("withdrawn_at", flat=True)) == first


def test_a_parent_in_force_has_no_withdrawal_date(parent):
    assert parent.consent_withdrawn_at is None


def test_the_register_hides_a_parent_who_withdrew_but_shows_their_card(client, methodist, parent, child):
    consent_withdraw(parent=parent)
    client.force_login(methodist.user)
    assert parent.full_name not in client.get(reverse("families:parent_list")).content.decode()
    card = client.get(reverse("families:parent_detail", args=[parent.pk]))
    assert card.status_code == 200
    assert "кері қайтарып алды" in card.content.decode()


def test_the_intake_form_offers_only_consenting_families(client, methodist, parent, child, kindergarten):
    other = f.ParentFactory(organization=kindergarten, full_name="Басқа Ата-ана")
    consent_withdraw(parent=parent)
    client.force_login(methodist.user)
    html = client.get(reverse("journal:new")).content.decode()
    assert other.full_name in html
    assert parent.full_name not in html
    assert child.full_name not in html
    response = client.post(
        reverse("journal:new"), {"channel": "phone", "topic": f.topic().pk, "question": "?", "parent": parent.pk}
    )
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
