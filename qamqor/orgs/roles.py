"""Roles a person can hold (GLOSSARY.md). Codes are stable; labels are translated."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    HEAD = "head", _("Head")
    DIRECTOR = "director", _("Director")
    DEPUTY = "deputy", _("Deputy head (methodical work)")
    METHODIST = "methodist", _("Methodist")
    EDUCATOR = "educator", _("Educator")
    PSYCHOLOGIST = "psychologist", _("Educational psychologist")
    SPEECH_THERAPIST = "speech_therapist", _("Speech therapist")
    DEFECTOLOGIST = "defectologist", _("Defectologist")
    MUSIC_DIRECTOR = "music_director", _("Music director")
    PE_INSTRUCTOR = "pe_instructor", _("PE instructor")
    NURSE = "nurse", _("Nurse")
    SOCIAL_PEDAGOGUE = "social_pedagogue", _("Social pedagogue")
    CLASS_TEACHER = "class_teacher", _("Class teacher")
    SECRETARY = "secretary", _("Secretary")
    DISTRICT_OFFICER = "district_officer", _("District education officer")
    REGION_OFFICER = "region_officer", _("Regional education officer")


# Who runs the request journal: intake, routing, every request of the organisation.
MANAGER_ROLES = frozenset({Role.HEAD, Role.DIRECTOR, Role.DEPUTY, Role.METHODIST})
# Who may consult parents at a consultation point (seed 000 lists the methodist and the
# specialists, seed 001 §1 adds the head).
CONSULTING_ROLES = frozenset(
    {
        Role.HEAD,
        Role.METHODIST,
        Role.EDUCATOR,
        Role.PSYCHOLOGIST,
        Role.SPEECH_THERAPIST,
        Role.DEFECTOLOGIST,
        Role.MUSIC_DIRECTOR,
        Role.PE_INSTRUCTOR,
        Role.NURSE,
        Role.SOCIAL_PEDAGOGUE,
    }
)
# Who holds office hours for parents (seed 003: «Director's hour», «administrative reception»).
RECEPTION_ROLES = frozenset({Role.HEAD, Role.DIRECTOR, Role.DEPUTY})
OFFICER_ROLES = frozenset({Role.DISTRICT_OFFICER, Role.REGION_OFFICER})
ORGANIZATION_ROLES = frozenset(Role) - OFFICER_ROLES


def _check_core_agrees() -> None:
    from qamqor.core.scoping import MANAGER_ROLE_CODES

    assert MANAGER_ROLE_CODES == {r.value for r in MANAGER_ROLES}, "core.scoping and orgs.roles disagree on managers"


_check_core_agrees()
