"""Helpers shared by forms: turning a service's ValidationError into form errors."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's refusal on the form: field errors where the field exists, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def add_refusal(form: forms.Form, error: ValidationError) -> int:
    """Show a service's refusal on a form and return the status the page answers with.

    A refusal that is not about the input says so by its class's `http_status` (a time or a
    place just taken: 409; too many attempts: 429); any other ValidationError is bad input: 400,
    as the form's own errors are. One rule for every form."""
    add_service_errors(form, error)
    return getattr(error, "http_status", 400)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%Y-%m-%d")
        super().__init__(**kwargs)


class BootstrapMixin:
    """Gives every widget Bootstrap's classes and marks invalid fields, so templates stay plain.
    Labels start with a capital letter, as a model field's label does (a label written for the
    form often reuses a model's lowercase verbose name)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.label = capfirst(field.label)
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                continue  # core/_field.html writes a lone checkbox itself
            if isinstance(widget, forms.CheckboxSelectMultiple | forms.RadioSelect):
                css = "form-check-input"  # each choice's input; core/_field.html wraps it in a form-check
            else:
                css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            if css not in widget.attrs.get("class", "").split():
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class LoginForm(BootstrapMixin, AuthenticationForm):
    pass


class SecondFactorCodeForm(BootstrapMixin, forms.Form):
    """One code: six digits from the authenticator app, or (where `recovery` allows) a recovery code."""

    code = forms.CharField(max_length=32, strip=True)

    def __init__(self, *args, recovery: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["code"]
        field.widget.attrs.update({"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"})
        if recovery:
            field.label = _("Code from the authenticator app or a recovery code")
            field.widget.attrs["autocapitalize"] = "none"
        else:
            field.label = _("Code from the authenticator app")
            field.widget.attrs.update({"inputmode": "numeric", "pattern": "[0-9 ]*"})
