"""What the API reads and writes, field by field. Input serializers refuse fields they do not
know and values of the wrong JSON type: a typo must not be silently ignored."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from qamqor.engagement.models import Event
from qamqor.families.models import Parent, Sex
from qamqor.journal.models import Request, Topic, choice_label
from qamqor.journal.models import Status as RequestStatus
from qamqor.orgs.models import ConsultationPoint, Membership, Organization
from qamqor.portal.models import Material
from qamqor.portal.selectors import BOOKING_DAYS

# The largest id a database column holds: a bigger number names no row (and SQLite would refuse
# to even compare it), so it is a bad value, not a lookup.
MAX_ID = 2**63 - 1

# --- Strict input fields ---------------------------------------------------------------------


# The fields give their own messages for a wrong type: DRF's ru catalogue lacks some (a Russian
# reader would get the Kazakh text of the default language), and its date messages name the
# type in English ("Неправильный формат date").


class StrictIntegerField(serializers.IntegerField):
    """A JSON number without a fraction; "12" (a string) or true is a wrong type."""

    default_error_messages = {"invalid": _("Must be a whole number, without quotes.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int):
            self.fail("invalid")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false only: "yes", 1 or "on" are wrong types in JSON."""

    default_error_messages = {"invalid": _("Must be true or false, without quotes.")}

    def to_internal_value(self, data):
        if not isinstance(data, bool):
            self.fail("invalid", input=data)
        return data


class StrictCharField(serializers.CharField):
    """A JSON string; a number or a list is a wrong type (DRF would turn 12 into "12")."""

    default_error_messages = {"invalid": _("Must be a text in quotes.")}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


WRONG_DAY = _("Give a date as YYYY-MM-DD, e.g. 2026-12-07.")
WRONG_MOMENT = _("Give a date and time as YYYY-MM-DDThh:mm, e.g. 2026-12-07T10:00 or 2026-12-07T10:00+05:00.")


class DayField(serializers.DateField):
    default_error_messages = {"invalid": WRONG_DAY, "datetime": WRONG_DAY}


class MomentField(serializers.DateTimeField):
    """Without a zone offset, the time is Astana time (TIME_ZONE)."""

    default_error_messages = {"invalid": WRONG_MOMENT, "date": WRONG_MOMENT, "overflow": WRONG_MOMENT, "make_aware": WRONG_MOMENT}


# Mixed into input serializers: a field the serializer does not know is an error. (A comment, not
# a docstring: the schema would show a docstring as each input's description.)
class RejectUnknownFields:
    # DRF's text names the JSON type in English ("Expected a dictionary, but got list").
    default_error_messages = {
        "invalid": _("The body must be one JSON object with named fields, not a list or a single value.")
    }

    def validate(self, attrs):
        data = self.initial_data if isinstance(self.initial_data, dict) else {}
        unknown = sorted(set(data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError({name: [_("Unknown field.")] for name in unknown})
        return super().validate(attrs)


# --- Organisations, points, people, topics ---------------------------------------------------


class PlaceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class OrganizationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    district = PlaceSerializer()
    region = PlaceSerializer(source="district.region")
    consultation_point = serializers.SerializerMethodField()
    events_url = serializers.SerializerMethodField()

    class Meta:
        model = Organization
        fields = (
            "id",
            "name",
            "kind",
            "kind_label",
            "district",
            "region",
            "address",
            "phone",
            "consultation_point",
            "events_url",
        )

    def get_consultation_point(self, obj: Organization) -> int | None:
        """The id of the organisation's open consultation point, if it has one."""
        point = getattr(obj, "consultation_point", None)
        return point.pk if point is not None and point.is_open else None

    def get_events_url(self, obj: Organization) -> str:
        return reverse("engagement:public_events", args=[obj.pk])


class PointSerializer(serializers.ModelSerializer):
    organization = serializers.SerializerMethodField()
    district = PlaceSerializer(source="organization.district")
    region = PlaceSerializer(source="organization.district.region")
    address = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = ConsultationPoint
        fields = (
            "id",
            "organization",
            "district",
            "region",
            "address",
            "phone",
            "whatsapp",
            "telegram",
            "slot_minutes",
            "online_booking",
            "url",
        )

    @extend_schema_field(PlaceSerializer)
    def get_organization(self, obj: ConsultationPoint) -> dict:
        return {"id": obj.organization_id, "name": obj.organization.name}

    def get_address(self, obj: ConsultationPoint) -> str:
        return obj.address or obj.organization.address

    def get_phone(self, obj: ConsultationPoint) -> str:
        return obj.phone or obj.organization.phone

    def get_url(self, obj: ConsultationPoint) -> str:
        return reverse("portal:point", args=[obj.pk])


class SpecialistSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="person_name")
    role_label = serializers.CharField(source="get_role_display")

    class Meta:
        model = Membership
        fields = ("id", "full_name", "role", "role_label")


class TopicSerializer(serializers.ModelSerializer):
    class Meta:
        model = Topic
        fields = ("id", "code", "name")


class TopicQuerySerializer(RejectUnknownFields, serializers.Serializer):
    point = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("Only the topics this point takes.")
    )


# --- Free slots --------------------------------------------------------------------------------


class SlotSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    specialist = serializers.IntegerField(help_text=_("The specialist's id: give it with starts_at to book."))
    specialist_name = serializers.CharField()


class SlotQuerySerializer(RejectUnknownFields, serializers.Serializer):
    topic = serializers.SlugField(required=False, help_text=_("Only the specialists who know this topic (a topic's code)."))
    specialist = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("Only this specialist's times.")
    )
    date_from = DayField(required=False, help_text=_("The first day, today at the earliest (default: today)."))
    date_to = DayField(required=False, help_text=_("The last day, within the booking window of two weeks (default: a week on)."))
    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text=_("The page, from 1 (default: 1)."))
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("Rows on a page, at most 200 (default: 50).")
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        today = timezone.localdate()
        last = today + dt.timedelta(days=BOOKING_DAYS - 1)
        start = attrs.get("date_from") or today
        end = attrs.get("date_to") or min(start + dt.timedelta(days=6), last)
        errors = {}
        if start < today:
            errors["date_from"] = [_("The first day cannot be in the past.")]
        if start > last:
            errors["date_from"] = [gettext("Times are given for the next %(days)d days only.") % {"days": BOOKING_DAYS}]
        if end > last:
            errors["date_to"] = [gettext("Times are given for the next %(days)d days only.") % {"days": BOOKING_DAYS}]
        elif end < start:
            errors["date_to"] = [_("The last day cannot come before the first.")]
        if errors:
            raise serializers.ValidationError(errors)
        attrs["date_from"], attrs["date_to"] = start, end
        return attrs


class PageQuerySerializer(RejectUnknownFields, serializers.Serializer):
    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID, help_text=_("The page, from 1 (default: 1)."))
    page_size = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("Rows on a page, at most 200 (default: 50).")
    )


class PointQuerySerializer(PageQuerySerializer):
    region = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("Only this region's (its id, as in region.id).")
    )
    district = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("Only this district's (its id, as in district.id).")
    )
    q = serializers.CharField(required=False, max_length=100, help_text=_("Words of the organisation's name."))


class OrganizationQuerySerializer(PageQuerySerializer):
    region = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("Only this region's (its id, as in region.id).")
    )
    district = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("Only this district's (its id, as in district.id).")
    )


# --- Events and materials ---------------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="shown_title")
    kind_label = serializers.CharField(source="get_kind_display")
    free_places = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Event
        fields = (
            "id",
            "organization",
            "kind",
            "kind_label",
            "title",
            "description",
            "starts_at",
            "ends_at",
            "place",
            "is_online",
            "audience",
            "capacity",
            "free_places",
            "url",
        )

    def get_free_places(self, obj: Event) -> int | None:
        return obj.free_places

    def get_url(self, obj: Event) -> str:
        return reverse("engagement:public_event", args=[obj.pk])


class EventQuerySerializer(PageQuerySerializer):
    organization = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("Only this organisation's (its id).")
    )


class MaterialSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display")
    topics = serializers.SerializerMethodField()
    file_url = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Material
        fields = (
            "id",
            "organization",
            "kind",
            "kind_label",
            "title",
            "body",
            "language",
            "age_from",
            "age_to",
            "topics",
            "video_url",
            "file_url",
            "published_at",
            "url",
        )

    def get_topics(self, obj: Material) -> list[str]:
        return [t.code for t in obj.topics.all()]

    def get_file_url(self, obj: Material) -> str:
        return reverse("portal:material_file", args=[obj.pk]) if obj.file else ""

    def get_url(self, obj: Material) -> str:
        return reverse("portal:material", args=[obj.pk])


class MaterialQuerySerializer(PageQuerySerializer):
    organization = serializers.IntegerField(
        required=False, min_value=1, max_value=MAX_ID, help_text=_("Only this organisation's (its id).")
    )
    topic = serializers.SlugField(required=False, help_text=_("Only the materials on this topic (a topic's code)."))
    age = serializers.IntegerField(
        required=False, min_value=0, max_value=18, help_text=_("Only the materials for a child of this age, in years.")
    )
    kind = serializers.ChoiceField(required=False, choices=Material._meta.get_field("kind").choices)
    language = serializers.ChoiceField(required=False, choices=Parent.Language.choices)
    q = serializers.CharField(required=False, max_length=100)


# --- Booking -----------------------------------------------------------------------------------


class BookingSerializer(RejectUnknownFields, serializers.Serializer):
    point = StrictIntegerField(min_value=1, max_value=MAX_ID, help_text=_("The consultation point's id."))
    topic = StrictCharField(max_length=50, help_text=_("The topic's code (GET /topics/)."))
    parent_full_name = StrictCharField(max_length=200)
    phone = StrictCharField(max_length=30, help_text=_("For example +7 701 123 45 67."))
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    language = serializers.ChoiceField(
        choices=Parent.Language.choices, required=False, help_text=_("For the consultation and the letters (default: kk).")
    )
    question = StrictCharField(max_length=1000)
    consent_given = StrictBooleanField(help_text=_("The parent's consent to the processing of their and their child's data."))
    child_full_name = StrictCharField(max_length=200, required=False, allow_blank=True, default="")
    child_birth_date = DayField(required=False, allow_null=True, default=None)
    child_sex = serializers.ChoiceField(choices=[("", "—"), *Sex.choices], required=False, allow_blank=True, default="")
    specialist = StrictIntegerField(
        min_value=1,
        max_value=MAX_ID,
        required=False,
        allow_null=True,
        default=None,
        help_text=_("With starts_at: the specialist of the free time."),
    )
    starts_at = MomentField(
        required=False, allow_null=True, default=None, help_text=_("A free time (GET /points/{id}/free-slots/); empty: no time.")
    )

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if (attrs.get("specialist") is None) != (attrs.get("starts_at") is None):
            missing = "specialist" if attrs.get("specialist") is None else "starts_at"
            raise serializers.ValidationError({missing: [_("Give both the specialist and the time, or neither.")]})
        return attrs


class BookedRequestSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    status = serializers.ChoiceField(choices=RequestStatus.choices)


class BookedAppointmentSerializer(serializers.Serializer):
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    specialist = serializers.IntegerField()


class BookingAnswerSerializer(serializers.Serializer):
    request = BookedRequestSerializer()
    appointment = BookedAppointmentSerializer(allow_null=True)
    manage_url = serializers.URLField(help_text=_("The parent's private link to see, move or cancel the booking."))


# --- The organisation's requests (token) ---------------------------------------------------------


class RequestSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="display_number")
    status_label = serializers.SerializerMethodField()
    topic = serializers.CharField(source="topic.code")
    parent_full_name = serializers.CharField(source="parent.full_name")
    parent_phone = serializers.CharField(source="parent.phone")
    child_full_name = serializers.SerializerMethodField()
    specialists = serializers.SerializerMethodField()
    booked_at = serializers.SerializerMethodField()

    class Meta:
        model = Request
        fields = (
            "id",
            "number",
            "received_at",
            "channel",
            "status",
            "status_label",
            "topic",
            "question",
            "parent_full_name",
            "parent_phone",
            "child_full_name",
            "specialists",
            "booked_at",
            "closed_at",
        )

    def get_status_label(self, obj: Request) -> str:
        return choice_label(RequestStatus, obj.status)

    def get_child_full_name(self, obj: Request) -> str:
        return obj.child.full_name if obj.child_id else ""

    def get_specialists(self, obj: Request) -> list[str]:
        return [m.person_name for m in obj.specialists.all()]

    def get_booked_at(self, obj: Request) -> dt.datetime | None:
        booked = getattr(obj, "booked", [])
        return booked[0].starts_at if booked else None


class RequestQuerySerializer(PageQuerySerializer):
    status = serializers.ChoiceField(required=False, choices=RequestStatus.choices)
    received_from = DayField(required=False, help_text=_("Received on this day or later."))
    received_to = DayField(required=False, help_text=_("Received on this day or earlier."))

    def validate(self, attrs):
        attrs = super().validate(attrs)
        start, end = attrs.get("received_from"), attrs.get("received_to")
        if start and end and end < start:
            raise serializers.ValidationError({"received_to": [_("The last day cannot come before the first.")]})
        return attrs


class ErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("Stable, for programs: invalid, not_found, slot_taken…"))
    message = serializers.CharField(help_text=_("For people, in the language of Accept-Language."))
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ErrorSerializer(serializers.Serializer):
    error = ErrorBodySerializer()
