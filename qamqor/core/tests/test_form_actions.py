"""core.actions.run_form_and_report: the one shape of a back-office form page."""

from __future__ import annotations

from unittest import mock

from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.test import RequestFactory

from qamqor.core.actions import run_form_and_report
from qamqor.scheduling.services import SlotTaken


class NameForm(forms.Form):
    name = forms.CharField()


def _request(method: str, data: dict | None = None):
    request = getattr(RequestFactory(), method)("/x/", data or {})
    request._messages = CookieStorage(request)
    return request


def _page(request, action, *, then="/done/"):
    """Answer the form page with a stand-in renderer that keeps what it was asked to show."""
    shown = {}

    def render(request, template, context, status):
        shown.update(template=template, context=context)
        return HttpResponse(status=status)

    form = NameForm(request.POST or None)
    with mock.patch("qamqor.core.actions.render", render):
        response = run_form_and_report(
            request, form, action, "Saved.", then=then, template="x.html", context={"extra": 1}
        )
    return response, form, shown


def test_a_first_look_shows_the_form_with_its_context_and_runs_nothing():
    action = mock.Mock()
    response, form, shown = _page(_request("get"), action)
    assert response.status_code == 200
    assert shown == {"template": "x.html", "context": {"form": form, "extra": 1}}
    action.assert_not_called()


def test_a_form_that_is_not_valid_answers_400_and_runs_nothing():
    action = mock.Mock()
    response, form, _shown = _page(_request("post", {"name": ""}), action)
    assert response.status_code == 400
    assert "name" in form.errors
    action.assert_not_called()


def test_a_refusal_goes_onto_the_form_and_answers_its_status():
    request = _request("post", {"name": "Айгүл"})
    response, form, _shown = _page(request, mock.Mock(side_effect=ValidationError({"name": "Taken name."})))
    assert response.status_code == 400
    assert form.errors["name"] == ["Taken name."]
    assert not list(get_messages(request))
    response, form, _shown = _page(_request("post", {"name": "Айгүл"}), mock.Mock(side_effect=SlotTaken("Just taken.")))
    assert response.status_code == 409
    assert form.non_field_errors() == ["Just taken."]


def test_success_goes_where_the_result_says_with_the_message():
    request = _request("post", {"name": "Айгүл"})
    response, _form, _shown = _page(request, lambda: 7, then=lambda pk: f"/things/{pk}/")
    assert (response.status_code, response["Location"]) == (302, "/things/7/")
    assert [str(m) for m in get_messages(request)] == ["Saved."]
    response, _form, _shown = _page(_request("post", {"name": "Айгүл"}), lambda: 7)
    assert response["Location"] == "/done/"
