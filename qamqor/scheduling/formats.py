"""The forms of work of a consultation point (seed 001 §6) and the rules each one carries.

One table, read by the models (the choices of Appointment.format), the services (capacity,
the parent's presence, the meeting link) and the pages. A format's places count participants:
children for the formats with children, families (a parent, with or without a child) for the
consultations.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Format:
    code: str
    label: Promise
    min_places: int
    max_places: int
    # Seed 001 §3.10: individual work with a child happens only in the parent's presence; a
    # parent–child workshop is held with the parents by its nature.
    parent_required: bool
    # The format is work with children: each participant is a child (with the parent, when required).
    for_children: bool
    online: bool = False  # held at a distance: the session needs a meeting link

    @property
    def is_individual(self) -> bool:
        return self.max_places == 1


INDIVIDUAL_CONSULTATION = "individual_consultation"

FORMATS: dict[str, Format] = {
    f.code: f
    for f in (
        # §6.1: a personal meeting with the parent about their child.
        Format(INDIVIDUAL_CONSULTATION, _("Individual consultation"), 1, 1, parent_required=True, for_children=False),
        # §6.1: common questions discussed in a small group of parents.
        Format("subgroup_consultation", _("Subgroup consultation"), 2, 8, parent_required=True, for_children=False),
        # §6.2
        Format("online_consultation", _("Online consultation"), 1, 8, parent_required=True, for_children=False, online=True),
        # §6.3, with §3.10: one child, with the parent present.
        Format("individual_play", _("Individual play session"), 1, 1, parent_required=True, for_children=True),
        # §6.4: 2–3 children with a teacher.
        Format("mini_group", _("Mini-group session (2–3 children)"), 2, 3, parent_required=False, for_children=True),
        # §6.5: children who cannot come to the kindergarten in person.
        Format("online_play", _("Online play session"), 1, 6, parent_required=False, for_children=True, online=True),
        # §6.6: parents take part together with their children.
        Format("play_workshop", _("Parent–child play workshop"), 2, 12, parent_required=True, for_children=True),
        # §6.7
        Format("master_class", _("Creative master class"), 2, 15, parent_required=False, for_children=True),
        # §6.8
        Format("play_lounge", _("Thematic play lounge"), 2, 15, parent_required=False, for_children=True),
        # §6.9
        Format("training", _("Training session for children"), 2, 12, parent_required=False, for_children=True),
    )
}

FORMAT_CHOICES = [(f.code, f.label) for f in FORMATS.values()]
