"""core.forms.add_refusal: one rule for how every public form answers a service's refusal."""

from __future__ import annotations

import pytest
from django import forms
from django.core.exceptions import ValidationError

from qamqor.core.forms import add_refusal
from qamqor.engagement.services import SignUpRefused
from qamqor.portal.services import TooManyApplications
from qamqor.portal.session_signup import SignUpClosed
from qamqor.scheduling.services import SlotTaken
from qamqor.scheduling.sessions import SessionFull


class PhoneForm(forms.Form):
    phone = forms.CharField()


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (SlotTaken("taken"), 409),
        (SessionFull("full"), 409),
        (SignUpRefused("closed"), 409),
        (SignUpClosed("closed"), 409),
        (TooManyApplications("too many"), 429),
        (ValidationError("bad"), 400),
    ],
)
def test_each_refusal_answers_its_status_on_top_of_the_form(error, status):
    form = PhoneForm({"phone": "1"})
    assert form.is_valid()
    assert add_refusal(form, error) == status
    assert form.non_field_errors() == error.messages


def test_a_fields_error_goes_to_its_field_and_an_unknown_field_on_top():
    form = PhoneForm({"phone": "1"})
    form.is_valid()
    assert add_refusal(form, ValidationError({"phone": "bad phone", "child": "no child"})) == 400
    assert form.errors["phone"] == ["bad phone"]
    assert form.non_field_errors() == ["no child"]
