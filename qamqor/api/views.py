"""The REST API v1. Thin views: the public ones read through the public site's selectors, the
booking calls the site's own service, the journal is read through the scoping function."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, permissions, status
from rest_framework.request import Request as ApiRequest
from rest_framework.response import Response
from rest_framework.views import APIView

from qamqor.api import serializers as s
from qamqor.api.errors import ApiError, from_service
from qamqor.api.models import ApiToken
from qamqor.api.services import KeyReused, idempotent_call
from qamqor.engagement.models import Event
from qamqor.journal.models import Request, Topic
from qamqor.orgs.models import ConsultationPoint, Membership, Organization
from qamqor.portal import selectors
from qamqor.portal.emails import Letter, parent_letter_send
from qamqor.portal.forms import ApplicationForm
from qamqor.portal.links import manage_token
from qamqor.portal.services import TooManyApplications, attempt_hash, portal_apply
from qamqor.portal.views import client_address
from qamqor.scheduling.models import Appointment
from qamqor.scheduling.services import SlotTaken, free_slots

ERRORS = {
    400: OpenApiResponse(s.ErrorSerializer, description=_("Bad input: see error.fields.")),
    401: OpenApiResponse(s.ErrorSerializer, description=_("No token, or a token that is not valid.")),
    403: OpenApiResponse(s.ErrorSerializer, description=_("The token's roles do not allow this.")),
    404: OpenApiResponse(s.ErrorSerializer, description=_("Not found (another organisation's ids too).")),
    409: OpenApiResponse(s.ErrorSerializer, description=_("The time was just taken.")),
    415: OpenApiResponse(s.ErrorSerializer, description=_("The body is not JSON.")),
    422: OpenApiResponse(s.ErrorSerializer, description=_("The idempotency key was used with another body.")),
    429: OpenApiResponse(s.ErrorSerializer, description=_("Too many calls or applications.")),
}


def errors(*codes: int) -> dict:
    # Every endpoint may be throttled (429) and every query may be refused (400).
    return {code: ERRORS[code] for code in sorted({400, 429, *codes})}


# Checks the query string against `query_serializer` (unknown parameters are refused), and keeps
# answers made with a token out of every shared cache. (A comment, not a docstring: the schema
# would show a docstring as every endpoint's description.)
class ApiView(APIView):
    query_serializer: type[s.serializers.Serializer] | None = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if kwargs.get("pk", 0) > s.MAX_ID:
            raise Http404  # no row has such an id

    def query(self) -> dict:
        if self.query_serializer is None:
            return {}
        serializer = self.query_serializer(data=self.request.query_params.dict())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.auth is not None:
            add_never_cache_headers(response)
        return response


class ListView(ApiView, generics.ListAPIView):
    def list(self, request, *args, **kwargs):
        self.params = self.query()
        return super().list(request, *args, **kwargs)


# --- Public reads: what the public site shows ----------------------------------------------------


@extend_schema(
    tags=["public"],
    summary=_("Organisations"),
    parameters=[s.OrganizationQuerySerializer],
    responses={200: s.OrganizationSerializer(many=True), **errors(404)},
)
class OrganizationList(ListView):
    serializer_class = s.OrganizationSerializer
    query_serializer = s.OrganizationQuerySerializer

    def get_queryset(self):
        organizations = Organization.objects.select_related("district__region", "consultation_point").order_by("name", "pk")
        if self.params.get("region"):
            organizations = organizations.filter(district__region_id=self.params["region"])
        if self.params.get("district"):
            organizations = organizations.filter(district_id=self.params["district"])
        return organizations


@extend_schema(tags=["public"], summary=_("An organisation"), responses={200: s.OrganizationSerializer, **errors(404)})
class OrganizationDetail(ApiView, generics.RetrieveAPIView):
    serializer_class = s.OrganizationSerializer
    queryset = Organization.objects.select_related("district__region", "consultation_point")


@extend_schema(
    tags=["public"],
    summary=_("Open consultation points"),
    parameters=[s.PointQuerySerializer],
    responses={200: s.PointSerializer(many=True), **errors(404)},
)
class PointList(ListView):
    serializer_class = s.PointSerializer
    query_serializer = s.PointQuerySerializer

    def get_queryset(self):
        p = self.params
        points = selectors.find_points(text=p.get("q", ""))
        if p.get("region"):
            points = points.filter(organization__district__region_id=p["region"])
        if p.get("district"):
            points = points.filter(organization__district_id=p["district"])
        return points


@extend_schema(tags=["public"], summary=_("An open consultation point"), responses={200: s.PointSerializer, **errors(404)})
class PointDetail(ApiView, generics.RetrieveAPIView):
    serializer_class = s.PointSerializer
    queryset = selectors.open_points().select_related("organization__district__region")


@extend_schema(
    tags=["public"],
    summary=_("The point's specialists"),
    parameters=[s.PageQuerySerializer],
    responses={200: s.SpecialistSerializer(many=True), **errors(404)},
)
class SpecialistList(ListView):
    serializer_class = s.SpecialistSerializer
    query_serializer = s.PageQuerySerializer

    def get_queryset(self):
        point = get_object_or_404(selectors.open_points(), pk=self.kwargs["pk"])
        return Membership.objects.consultants(point.organization_id).order_by("user__full_name", "pk")


@extend_schema(
    tags=["public"],
    summary=_("Topics of questions"),
    parameters=[s.TopicQuerySerializer],
    responses={200: s.TopicSerializer(many=True), **errors(404)},
)
class TopicList(ApiView):
    query_serializer = s.TopicQuerySerializer

    def get(self, request: ApiRequest) -> Response:
        params = self.query()
        if params.get("point"):
            topics = selectors.apply_topics(get_object_or_404(selectors.open_points(), pk=params["point"]))
        else:
            topics = list(Topic.objects.filter(is_active=True))
        return Response(s.TopicSerializer(topics, many=True).data)


def _consultants(point: ConsultationPoint, params: dict) -> list[Membership]:
    """Whose free times to show: one specialist, the topic's specialists, or everybody."""
    if params.get("topic"):
        topic = next((t for t in selectors.apply_topics(point) if t.code == params["topic"]), None)
        if topic is None:
            raise ApiError(
                status_code=400,
                code="invalid",
                message=gettext("Choose a topic from the list."),
                fields={"topic": [gettext("Choose a topic from the list.")]},
            )
        people = selectors.specialists_for_topic(point.organization_id, topic)
    else:
        people = list(Membership.objects.consultants(point.organization_id))
    if params.get("specialist"):
        people = [m for m in people if m.pk == params["specialist"]]
        if not people:
            message = gettext("Choose a specialist of this consultation point (and of the topic, if given).")
            raise ApiError(status_code=400, code="invalid", message=message, fields={"specialist": [message]})
    return people


@extend_schema(
    tags=["public"],
    summary=_("Free times of a point"),
    description=_("Times a parent may book, by specialist, in the days asked (within the booking window)."),
    parameters=[s.SlotQuerySerializer],
    responses={200: s.SlotSerializer(many=True), **errors(404)},
)
class FreeSlotList(ListView):
    serializer_class = s.SlotSerializer
    query_serializer = s.SlotQuerySerializer

    def get_queryset(self):
        point = get_object_or_404(selectors.open_points().select_related("organization"), pk=self.kwargs["pk"])
        people = _consultants(point, self.params)
        if not point.online_booking:
            return []
        start, end = self.params["date_from"], self.params["date_to"]
        days = (end - start).days + 1
        slots = [
            {"starts_at": slot.starts_at, "ends_at": slot.ends_at, "specialist": m.pk, "specialist_name": m.person_name}
            for m in people
            for slot in free_slots(specialists=[m], start=start, days=days)
        ]
        return sorted(slots, key=lambda slot: (slot["starts_at"], slot["specialist_name"], slot["specialist"]))


@extend_schema(
    tags=["public"],
    summary=_("Upcoming events for families"),
    parameters=[s.EventQuerySerializer],
    responses={200: s.EventSerializer(many=True), **errors(404)},
)
class EventList(ListView):
    serializer_class = s.EventSerializer
    query_serializer = s.EventQuerySerializer

    def get_queryset(self):
        # What the organisations' public pages list: planned events still to come.
        events = Event.objects.upcoming().with_counts()
        if self.params.get("organization"):
            events = events.filter(organization_id=self.params["organization"])
        return events


@extend_schema(tags=["public"], summary=_("An upcoming event"), responses={200: s.EventSerializer, **errors(404)})
class EventDetail(ApiView, generics.RetrieveAPIView):
    serializer_class = s.EventSerializer
    queryset = Event.objects.upcoming().with_counts()


@extend_schema(
    tags=["public"],
    summary=_("Published materials for parents"),
    parameters=[s.MaterialQuerySerializer],
    responses={200: s.MaterialSerializer(many=True), **errors(404)},
)
class MaterialList(ListView):
    serializer_class = s.MaterialSerializer
    query_serializer = s.MaterialQuerySerializer

    def get_queryset(self):
        p = self.params
        topic = None
        if p.get("topic"):
            topic = Topic.objects.filter(code=p["topic"]).first()
            if topic is None:
                return selectors.public_materials().none()
        return selectors.public_materials(
            organization_id=p.get("organization"),
            topic=topic,
            age=p.get("age"),
            kind=p.get("kind", ""),
            language=p.get("language", ""),
            text=p.get("q", ""),
        )


@extend_schema(tags=["public"], summary=_("A published material"), responses={200: s.MaterialSerializer, **errors(404)})
class MaterialDetail(ApiView, generics.RetrieveAPIView):
    serializer_class = s.MaterialSerializer

    def get_object(self):
        return selectors.public_material(self.kwargs["pk"])


# --- Booking ---------------------------------------------------------------------------------


def _owner(request: ApiRequest) -> str:
    """Whose idempotency keys these are: the token's, or (without one) the client address's,
    hashed with the secret key as the public site hashes addresses."""
    if request.auth is not None:
        return f"token:{request.auth.pk}"
    return "address:" + attempt_hash("api-idempotency", client_address(request._request))


def _site_form(point: ConsultationPoint, topic: Topic, data: dict) -> ApplicationForm:
    """The public site's application form, filled from the JSON body, so the site's own checks
    (the phone number, the child's fields together, a child's birth date, the time among the
    topic's specialists) decide for the API too."""
    specialist, starts_at = data["specialist"], data["starts_at"]
    form_data = {
        "slot": f"{specialist}-{int(starts_at.timestamp())}" if starts_at is not None else "",
        "parent_full_name": data["parent_full_name"],
        "phone": data["phone"],
        "email": data["email"],
        "child_full_name": data["child_full_name"],
        "child_birth_date": data["child_birth_date"],
        "child_sex": data["child_sex"],
        "question": data["question"],
        "language": data.get("language") or "kk",
        "consent": data["consent_given"],
    }
    return ApplicationForm(form_data, suitable=selectors.specialists_for_topic(point.organization_id, topic))


# The form's field names as the API calls them.
FORM_TO_API = {"slot": "starts_at", "consent": "consent_given"}


def _form_errors(form: ApplicationForm) -> ApiError:
    fields = {FORM_TO_API.get(name, name): [str(m) for m in messages] for name, messages in form.errors.items()}
    general = fields.pop("__all__", [])
    message = " ".join(general) or gettext("Some values were refused: see the fields.")
    return ApiError(status_code=400, code="invalid", message=message, fields=fields)


@extend_schema(
    tags=["booking"],
    summary=_("Apply, and book a free time"),
    description=_(
        "The parent's application to a consultation point, with a free time or without one, as on the public site. "
        "Send a new Idempotency-Key with each new booking: the same key and body again get the same answer and "
        "book nothing more; the same key with another body is refused (422)."
    ),
    request=s.BookingSerializer,
    parameters=[
        OpenApiParameter(
            "Idempotency-Key",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            required=True,
            description=_("Any unique text of up to 255 characters, e.g. a UUID."),
        )
    ],
    responses={
        201: OpenApiResponse(
            s.BookingAnswerSerializer,
            description=_("Booked: the request's number, the time (if one was chosen) and the parent's private link."),
        ),
        **errors(401, 404, 409, 415, 422),
    },
)
class BookingCreate(ApiView):
    def post(self, request: ApiRequest) -> Response:
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or len(key) > 255 or not (key.isascii() and key.isprintable()):
            message = gettext("Send an Idempotency-Key header (up to 255 Latin letters, digits or signs) with each booking.")
            # A caller that sent one learns that it is the key's form, not its absence.
            code = "idempotency_key_invalid" if key else "idempotency_key_missing"
            raise ApiError(status_code=400, code=code, message=message)
        serializer = s.BookingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        points = selectors.open_points().select_related("organization")
        if request.auth is not None:
            # A token books at its own organisation only: another one's point is "not found".
            points = points.filter(organization_id=request.auth.organization_id)
        point = get_object_or_404(points, pk=data["point"])
        topic = next((t for t in selectors.apply_topics(point) if t.code == data["topic"]), None)
        if topic is None:
            message = gettext("Choose a topic from the list.")
            raise ApiError(status_code=400, code="invalid", message=message, fields={"topic": [message]})
        form = _site_form(point, topic, data)
        if not form.is_valid():
            raise _form_errors(form)
        booked_by = f"api-token:{request.auth.pk}" if request.auth is not None else client_address(request._request)

        made: dict = {}  # what this call booked, for the letter once it is committed

        def book() -> tuple[int, dict]:
            try:
                application = portal_apply(point=point, topic=topic, client_address=booked_by, **form.service_kwargs())
            except SlotTaken as exc:
                raise ApiError(status_code=409, code="slot_taken", message=" ".join(exc.messages)) from exc
            except TooManyApplications as exc:
                raise from_service(exc, status_code=429) from exc
            except ValidationError as exc:
                error = from_service(exc)
                error.fields = {FORM_TO_API.get(k, k): v for k, v in error.fields.items()}
                raise error from exc
            token = manage_token(application.request)
            manage_url = request.build_absolute_uri(reverse("portal:manage", args=[token]))
            appointment = application.appointment
            made.update(application=application, manage_url=manage_url)
            body = {
                "request": {
                    "id": application.request.pk,
                    "number": application.request.display_number,
                    "status": application.request.status,
                },
                "appointment": (
                    {
                        # Local time with its offset, as every other date of the API.
                        "starts_at": timezone.localtime(appointment.starts_at).isoformat(),
                        "ends_at": timezone.localtime(appointment.ends_at).isoformat(),
                        "specialist": data["specialist"],
                    }
                    if appointment is not None
                    else None
                ),
                "manage_url": manage_url,
            }
            return status.HTTP_201_CREATED, body

        try:
            answer = idempotent_call(owner=_owner(request), key=key, body=request.data, perform=book)
        except KeyReused:
            message = gettext("This Idempotency-Key was used with another body. Use a new key for a new booking.")
            raise ApiError(status_code=422, code="idempotency_key_reused", message=message) from None
        if made:
            # As the site does after its form: the letter with the time and the manage link
            # (a repeated call books nothing and sends nothing).
            application = made["application"]
            parent_letter_send(
                kind=Letter.BOOKED if application.appointment else Letter.APPLIED,
                request=application.request,
                appointment=application.appointment,
                manage_url=made["manage_url"],
            )
        response = Response(answer.body, status=answer.status_code)
        if answer.replayed:
            response["Idempotent-Replayed"] = "true"
        # The answer holds the parent's private link: nobody else's cache may keep it.
        add_never_cache_headers(response)
        return response


# --- The organisation's requests (a token with a manager's role) ---------------------------------


class ReadsJournal(permissions.BasePermission):
    """A token whose roles read the request journal (a manager's role): 401 without a token."""

    def has_permission(self, request, view) -> bool:
        if request.auth is None:
            return False  # answered 401 (NotAuthenticated) by DRF: no token was sent
        return isinstance(request.auth, ApiToken) and request.auth.reads_journal


def _requests_for(token: ApiToken):
    # The token's scope (its organisation and roles) through the model's own rule, as
    # visible_to applies it to a person.
    return (
        Request.objects.scoped(token.scope())
        .select_related("topic", "parent", "child")
        .prefetch_related(
            Prefetch("specialists", queryset=Membership.objects.select_related("user")),
            Prefetch("appointments", queryset=Appointment.objects.filter(status=Appointment.Status.BOOKED), to_attr="booked"),
        )
    )


@extend_schema(
    tags=["staff"],
    summary=_("The organisation's requests"),
    parameters=[s.RequestQuerySerializer],
    responses={200: s.RequestSerializer(many=True), **errors(401, 403, 404)},
)
class RequestList(ListView):
    serializer_class = s.RequestSerializer
    query_serializer = s.RequestQuerySerializer
    permission_classes = [ReadsJournal]

    def get_queryset(self):
        requests = _requests_for(self.request.auth).received_between(
            self.params.get("received_from"), self.params.get("received_to")
        )
        if self.params.get("status"):
            requests = requests.filter(status=self.params["status"])
        return requests.order_by("-received_at", "-pk")


@extend_schema(tags=["staff"], summary=_("A request"), responses={200: s.RequestSerializer, **errors(401, 403, 404)})
class RequestDetail(ApiView, generics.RetrieveAPIView):
    serializer_class = s.RequestSerializer
    permission_classes = [ReadsJournal]

    def get_queryset(self):
        return _requests_for(self.request.auth)


@extend_schema(exclude=True)
class NotFoundView(ApiView):
    """Any address the API does not have: 404, in the API's error format."""

    def http_method_not_allowed(self, request, *args, **kwargs):
        # DRF calls this for every method the view does not define, that is, all of them.
        raise Http404
