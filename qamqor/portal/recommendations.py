"""The specialist's recommendation links to materials (seed 000: literature, exercises, games,
booklets, memos, video).

The journal closes a request; the materials are the public site's. The journal may not import
the portal (apps depend downward), so it offers an extension point (qamqor/journal/hooks.py)
and this module plugs into it from PortalConfig.ready(): it adds a "materials for the parent"
field to the completion form and keeps the chosen ones in Material.recommended_in, in the same
transaction as the completion.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from qamqor.journal.models import Request
from qamqor.portal.models import Material
from qamqor.portal.services import material_recommend

FIELD = "recommended_materials"


def recommendable(request: Request):
    """The organisation's published materials, those on the request's topic first."""
    on_topic = Material.topics.through.objects.filter(material_id=OuterRef("pk"), topic_id=request.topic_id)
    return (
        Material.objects.published()
        .filter(organization_id=request.organization_id)
        .annotate(on_topic=Exists(on_topic))
        .order_by("-on_topic", "-published_at", "-pk")
    )


class MaterialRecommendations:
    def form_fields(self, request: Request) -> dict[str, forms.Field]:
        materials = list(recommendable(request))
        if not materials:
            return {}
        field = forms.ModelMultipleChoiceField(
            label=_("Materials for the parent"),
            queryset=recommendable(request),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("The parent sees them on their request's page on the site."),
        )
        # The choices come from the list read above: the page asks the database once.
        field.choices = [(m.pk, f"{m.title} · {m.get_kind_display()}") for m in materials]
        return {FIELD: field}

    def completed(self, *, request: Request, data: Mapping[str, Any], by) -> None:
        chosen = data.get(FIELD) or []
        if chosen:
            material_recommend(request=request, materials=chosen, by=by)
