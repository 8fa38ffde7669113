"""The data of the backup-and-restore test (qamqor/core/tests/test_backup_restore.py), written in a
process of its own against a database of its own (`python -m qamqor.core.testing.restore_check
fill`), so the test's destroying and restoring never touches pytest's test database.

`fill` writes at least one row of every model of Qamqor (through the services wherever one
exists) and an uploaded file.
"""

from __future__ import annotations

import os
import sys


def fill() -> None:
    import datetime as dt

    from django.contrib.admin.models import ADDITION, LogEntry
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction
    from django.utils import timezone

    from qamqor.core.testing import factories as f
    from qamqor.journal.models import Channel
    from qamqor.journal.services import request_complete, request_intake, request_schedule
    from qamqor.portal.services import (
        material_create,
        material_publish,
        material_recommend,
        portal_apply,
        portal_feedback_give,
        question_answer,
        question_ask,
    )
    from qamqor.scheduling.models import ClosedDay

    with transaction.atomic():
        point = f.ConsultationPointFactory(organization__name="№8 «Думан» балабақшасы")
        org = point.organization
        room = f.RoomFactory(organization=org, name="Психолог кабинеті")
        methodist = f.staff(org, "methodist", full_name="Ахметова Гүлнар Серікқызы", username="methodist")
        psychologist = f.staff(org, "psychologist", full_name="Оспанова Айгүл Маратқызы", username="psychologist")
        f.weekly_hours(psychologist, room=room)
        parent = f.ParentFactory(organization=org, full_name="Сейтқали Динара Ерланқызы", phone="+77011234567")
        child = f.ChildFactory(parent=parent, full_name="Сейтқали Әлихан")
        ClosedDay.objects.create(organization=org, date=f.next_working_monday(30) + dt.timedelta(days=1))

    # A consultation booked, done and rated: request, status changes, appointment, feedback.
    day = timezone.localdate() + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    request = request_intake(
        organization=org, channel=Channel.PHONE, parent=parent, topic=f.topic("behaviour"),
        question="Бала түнде жиі оянады", received_by=methodist.user, child=child,
    )
    request_schedule(request=request, specialists=[psychologist], starts_at=f.at(day, "09:00"), by=methodist.user, room=room)
    request_complete(request=request, recommendations="Күн тәртібін сақтаңыз", by=psychologist.user)
    portal_feedback_give(request=request, rating=5, comment="Рақмет")

    # Materials with an uploaded file (the media folder), recommended in that request.
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    material = material_create(
        organization=org, by=methodist.user, topics=[f.topic("behaviour")], kind="booklet", language="kk",
        title_kk="Ұйқы туралы жадынама", upload=SimpleUploadedFile("жадынама.pdf", pdf, content_type="application/pdf"),
    )
    material = material_publish(material=material, by=methodist.user)
    material_recommend(request=request, materials=[material], by=psychologist.user)

    # The public site: an application with a booking (and its counted attempt), a question.
    portal_apply(
        point=point, topic=f.topic("behaviour"), parent_full_name="Әбенова Мадина Серікқызы", phone="8 701 555 12 34",
        question="Бала сөйлемейді", consent_given=True, client_address="10.0.0.1", specialist=psychologist,
        starts_at=f.at(day, "10:00"),
    )
    question = question_ask(point=point, text="Бала неше жаста сөйлеуі керек?", client_address="10.0.0.2", may_publish=True)
    question_answer(question=question, answer="Әр бала өз қарқынымен дамиды.", by=psychologist.user)

    # Django's and the libraries' own tables.
    group = Group.objects.create(name="Әдіскерлер")
    group.permissions.add(Permission.objects.get(codename="view_request"))
    methodist.user.groups.add(group)
    methodist.user.user_permissions.add(Permission.objects.get(codename="view_parent"))
    LogEntry.objects.create(
        user=methodist.user, content_type=ContentType.objects.get_for_model(parent), object_id=str(parent.pk),
        object_repr=str(parent), action_flag=ADDITION,
    )
    session = SessionStore()
    session["_auth_user_id"] = str(methodist.user.pk)
    session.create()
    from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog

    attempt = AccessAttempt.objects.create(
        username="methodist", ip_address="10.0.0.9", user_agent="test", get_data="", post_data="", http_accept="*/*",
        path_info="/accounts/login/", failures_since_start=1,
    )
    AccessAttemptExpiration.objects.create(access_attempt=attempt, expires_at=timezone.now() + dt.timedelta(minutes=15))
    AccessFailureLog.objects.create(username="methodist", ip_address="10.0.0.9", user_agent="test", http_accept="*/*",
                                    path_info="/accounts/login/", locked_out=False)
    AccessLog.objects.create(username="methodist", ip_address="10.0.0.9", user_agent="test", http_accept="*/*",
                             path_info="/accounts/login/")


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qamqor.settings")
    import django

    django.setup()
    if argv == ["fill"]:
        fill()
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
