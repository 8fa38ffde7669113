"""The shared form mixin and core/_field.html: Bootstrap's classes and markup, invalid marks tied to
their messages, and labels with a capital letter."""

from __future__ import annotations

from django import forms
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override
from pytest_django.asserts import assertInHTML

from qamqor.core.forms import BootstrapMixin


class _Form(BootstrapMixin, forms.Form):
    specialists = forms.CharField(label=_("specialists"))
    room = forms.ChoiceField(label="кабинет", choices=[("1", "1")], required=False)


def test_labels_start_with_a_capital_in_every_language() -> None:
    with override("ru"):
        form = _Form()
        assert str(form.fields["specialists"].label) == "Специалисты"
    assert form.fields["room"].label == "Кабинет"


def test_widgets_get_bootstraps_classes_and_invalid_fields_are_marked() -> None:
    form = _Form(data={})
    assert not form.is_valid()
    assert form.fields["specialists"].widget.attrs["class"] == "form-control is-invalid"
    assert form.fields["room"].widget.attrs["class"] == "form-select"


class _ChoicesForm(BootstrapMixin, forms.Form):
    roles = forms.MultipleChoiceField(
        label="roles",
        choices=[("head", "Head"), ("methodist", "Methodist")],
        widget=forms.CheckboxSelectMultiple(attrs={"class": "me-1"}),
        required=False,
        help_text="What the token reads.",
    )
    channel = forms.ChoiceField(label="channel", choices=[("phone", "Phone")], widget=forms.RadioSelect)


def _choice(name: str, index: int, value: str, label: str, *, kind: str = "checkbox", css: str, more: str = "") -> str:
    """One choice as Bootstrap writes it: the input, then its own label, in a div.form-check."""
    return (
        f'<div class="form-check"><input type="{kind}" name="{name}" value="{value}" class="{css}" id="id_{name}_{index}"{more}>'
        f'<label class="form-check-label" for="id_{name}_{index}">{label}</label></div>'
    )


def test_choices_render_as_bootstraps_form_checks_in_a_fieldset_named_by_its_legend() -> None:
    html = render_to_string("core/_form.html", {"form": _ChoicesForm()})
    assertInHTML(_choice("roles", 0, "head", "Head", css="me-1 form-check-input"), html)
    assertInHTML(_choice("roles", 1, "methodist", "Methodist", css="me-1 form-check-input"), html)
    assertInHTML(_choice("channel", 0, "phone", "Phone", kind="radio", css="form-check-input", more=" required"), html)
    # The group's name is its legend (a <label> names one input, and the group has none);
    # its help text is read with it.
    assert '<fieldset class="mb-3" aria-describedby="id_roles_helptext">' in html
    assertInHTML('<legend class="form-label fs-6 mb-1">Roles</legend>', html)
    assertInHTML('<div class="form-text" id="id_roles_helptext">What the token reads.</div>', html)
    assert html.count("<fieldset") == html.count("</fieldset>") == 2
    assert "<label" not in html.replace('<label class="form-check-label"', ""), "no label left without its input"


def test_a_refused_choice_marks_the_checkboxes_and_names_the_error() -> None:
    form = _ChoicesForm(data={"roles": ["nobody"], "channel": "phone"})
    assert not form.is_valid()
    html = render_to_string("core/_form.html", {"form": form})
    css = "me-1 form-check-input is-invalid"
    assertInHTML(_choice("roles", 0, "head", "Head", css=css, more=' aria-invalid="true"'), html)
    assert '<fieldset class="mb-3" aria-describedby="id_roles_helptext id_roles_error">' in html
    assert 'class="invalid-feedback d-block" id="id_roles_error"' in html


def test_other_fields_point_at_help_and_errors_that_are_there() -> None:
    class _Form(BootstrapMixin, forms.Form):
        name = forms.CharField(label="name", help_text="Who uses it.")

    html = render_to_string("core/_form.html", {"form": _Form(data={})})
    assert 'aria-describedby="id_name_helptext id_name_error"' in html
    assert 'id="id_name_helptext"' in html and 'id="id_name_error"' in html
