"""Parents' questions (seed 003: "question and answer" on the site): asking on the point's
pages, the published pairs, and the back-office pages where the point's consulting staff
answer and, with the parent's permission, publish them."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qamqor.core.access import roles_required
from qamqor.core.forms import add_refusal, add_service_errors
from qamqor.core.scoping import visible_to
from qamqor.portal import selectors, services
from qamqor.portal.emails import question_answer_send
from qamqor.portal.forms import AnswerForm, QuestionForm
from qamqor.portal.models import QUESTION_ANSWER_ROLES, Question
from qamqor.portal.views import _language_of_page, client_address

QUESTIONS_PER_PAGE = 20
STAFF_QUESTIONS_PER_PAGE = 50


# --- The public site ---


def point_questions(request: HttpRequest, pk: int) -> HttpResponse:
    point = selectors.open_point(pk)
    page = Paginator(selectors.public_questions(point.organization_id), QUESTIONS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "portal/questions.html", {"point": point, "page": page})


def ask(request: HttpRequest, pk: int) -> HttpResponse:
    point = selectors.open_point(pk)
    form = QuestionForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.question_ask(
                point=point,
                client_address=client_address(request),
                language=_language_of_page(),
                text=d["text"],
                name=d["name"],
                phone=d["phone"],
                email=d["email"],
                contacts_consent=d["contacts_consent"],
                may_publish=d["may_publish"],
            )
        except ValidationError as exc:
            status = add_refusal(form, exc)
        else:
            return redirect("portal:asked", pk=point.pk)
    if form.is_bound and form.errors and status == 200:
        status = 400
    return render(request, "portal/ask.html", {"point": point, "form": form}, status=status)


def asked(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "portal/asked.html", {"point": selectors.open_point(pk)})


# --- The back office ---

SHOWN = {
    "new": lambda qs: qs.unanswered(),
    "answered": lambda qs: qs.filter(answered_at__isnull=False, is_published=False),
    "published": lambda qs: qs.filter(is_published=True),
    "all": lambda qs: qs,
}


def get_question_for(user, pk: int) -> Question:
    """The question if this user answers questions in its organisation; 404 otherwise."""
    return get_object_or_404(
        visible_to(user, Question.objects.select_related("organization__consultation_point", "answered_by")), pk=pk
    )


@roles_required(QUESTION_ANSWER_ROLES)
def staff_question_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("show", "new")
    show = show if show in SHOWN else "new"
    questions = visible_to(request.user, Question.objects.filter(organization_id=request.organization_id))
    page = Paginator(SHOWN[show](questions).order_by("-asked_at", "-pk"), STAFF_QUESTIONS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "portal/staff/question_list.html", {"page": page, "show": show})


@roles_required(QUESTION_ANSWER_ROLES)
def staff_question_detail(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for(request.user, pk)
    form = AnswerForm(request.POST or None, initial={"answer": question.answer, "public_text": question.shown_text})
    if request.method == "POST" and form.is_valid():
        try:
            answered = services.question_answer(question=question, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            sent = answered.first and question_answer_send(
                question=answered.question,
                questions_url=request.build_absolute_uri(
                    reverse("portal:questions", args=[question.organization.consultation_point.pk])
                ),
            )
            messages.success(
                request, _("The answer is saved and sent to the parent's email.") if sent else _("The answer is saved.")
            )
            return redirect("portal:staff_question", pk=question.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "portal/staff/question_detail.html", {"question": question, "form": form}, status=status)


@require_POST
@roles_required(QUESTION_ANSWER_ROLES)
def staff_question_publish(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for(request.user, pk)
    publish = request.POST.get("action") == "publish"
    try:
        if publish:
            services.question_publish(question=question, by=request.user)
        else:
            services.question_unpublish(question=question, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("The question and the answer are on the site, without the parent's name.")
            if publish
            else _("The question is taken off the site."),
        )
    return redirect("portal:staff_question", pk=question.pk)


@require_POST
@roles_required(QUESTION_ANSWER_ROLES)
def staff_question_delete(request: HttpRequest, pk: int) -> HttpResponse:
    question = get_question_for(request.user, pk)
    services.question_delete(question=question, by=request.user)
    messages.success(request, _("The question is deleted."))
    return redirect("portal:staff_questions")
