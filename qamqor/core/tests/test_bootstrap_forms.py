"""The shared form mixin: Bootstrap's classes, invalid marks, and labels with a capital letter."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

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
