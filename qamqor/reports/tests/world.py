"""Records the access-matrix walk (qamqor/core/tests/test_access_matrix.py) asks for: a survey
per organisation of its world, made once."""

from __future__ import annotations

from qamqor.reports.models import Survey, SurveyQuestion


def _survey(org) -> Survey:
    organization = org.point.organization
    survey = Survey.objects.filter(organization=organization).first()
    if survey is None:
        survey = Survey.objects.create(organization=organization, title="Сауалнама", audience="parents")
        SurveyQuestion.objects.create(survey=survey, position=1, kind="scale", text="Қанағаттанасыз ба?")
    return survey


def survey_pk(org) -> list:
    return [_survey(org).pk]


def survey_token(org) -> list:
    return [_survey(org).token]
