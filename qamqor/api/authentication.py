"""Token authentication: `Authorization: Bearer qmq_…`, one organisation and its roles.

The token is not a person: `request.user` stays anonymous (the audit log names no one), and
`request.auth` is the ApiToken whose scope (ApiToken.scope) filters what the call may read."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from qamqor.api.models import ApiToken, token_digest
from qamqor.api.services import api_token_touch

KEYWORD = "Bearer"


class ApiTokenAuthentication(BaseAuthentication):
    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != KEYWORD.lower().encode():
            return None  # an anonymous call: the public endpoints answer it
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after the word Bearer, separated by one space."))
        try:
            raw = header[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        token = ApiToken.objects.in_force().select_related("organization").filter(digest=token_digest(raw)).first()
        if token is None:
            # Unknown and revoked tokens get the same answer: nothing tells which.
            raise exceptions.AuthenticationFailed(_("This token is not valid."))
        api_token_touch(token=token)
        return AnonymousUser(), token

    def authenticate_header(self, request) -> str:
        # Makes an unauthenticated call answer 401 (with this challenge) rather than 403.
        return KEYWORD


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """How the schema names the token: an HTTP bearer token."""

    target_class = "qamqor.api.authentication.ApiTokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "Authorization: Bearer qmq_…"}
