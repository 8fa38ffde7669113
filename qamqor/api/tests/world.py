"""Records for the project's access matrix (qamqor/core/tests/test_access_matrix.py): a token of
one organisation, made on demand inside the walk's transaction."""

from __future__ import annotations

from qamqor.api.services import api_token_issue


def token_pk(org) -> list:
    issued = api_token_issue(organization=org.point.organization, name="Аудан порталы", roles=["methodist"], by=None)
    return [issued.token.pk]
