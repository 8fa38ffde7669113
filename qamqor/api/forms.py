"""The back office's form for issuing a token; the service (api_token_issue) checks the rules."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qamqor.core.forms import BootstrapMixin
from qamqor.orgs.roles import ORGANIZATION_ROLES, Role


def token_role_choices() -> list[tuple[str, str]]:
    """The roles of an organisation's staff, in the order of the Role list (never an officer's)."""
    return [(r.value, r.label) for r in Role if r in ORGANIZATION_ROLES]


ONLY_YOUR_ROLES = _("You may give only the roles you hold here yourself; the head or the director gives any.")


class ApiTokenIssueForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("Who uses it, e.g. «District portal»."),
    )
    roles = forms.MultipleChoiceField(
        label=_("roles"),
        choices=token_role_choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_(
            "The token reads what a person with these roles reads through the API. A manager's role "
            "(head, director, deputy, methodist) reads the organisation's request journal; without "
            "roles the token only books and reads the public data."
        ),
    )

    def __init__(self, *args, givable: set[str] | None = None, **kwargs) -> None:
        """`givable`: the roles this manager may give (api_token_roles_givable); None: all. The
        others are not offered, rather than offered and refused."""
        super().__init__(*args, **kwargs)
        if givable is not None:
            roles = self.fields["roles"]
            roles.choices = [(value, label) for value, label in token_role_choices() if value in givable]
            roles.help_text = f"{roles.help_text} {ONLY_YOUR_ROLES}"
