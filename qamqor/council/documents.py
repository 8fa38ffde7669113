"""The minutes of a meeting as they are signed in Kazakhstan: a bilingual header («ХАТТАМА /
ПРОТОКОЛ №»), date, chair, secretary, who was present (with the count) and absent, the agenda,
then per item what was heard, who spoke, the proposals and remarks and what was resolved, and
the signatures of the chair and the secretary (seed 002 §4.1). Print view, PDF and DOCX share
`minutes_context`. The labels are in both languages, as on paper; the content as typed."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.staticfiles import finders
from django.db.models import Prefetch
from django.template.loader import render_to_string

from qamqor.council import docx
from qamqor.council.models import AgendaItem, Decision, Meeting, Member

# The document's fixed labels: Kazakh / Russian, whatever the interface's language.
LABELS = {
    "minutes": "ХАТТАМА / ПРОТОКОЛ",
    "body": "Ата-аналарды педагогикалық қолдау орталығының отырысы / Заседание центра педагогической поддержки родителей",
    "date": "Күні / Дата",
    "kind_planned": "жоспарлы / плановое",
    "kind_unplanned": "жоспардан тыс / внеплановое",
    "remote": "қашықтан / дистанционно",
    "chair": "Төраға / Председатель",
    "secretary": "Хатшы / Секретарь",
    "present": "Қатысқандар / Присутствовали",
    "invited": "Шақырылғандар / Приглашённые",
    "absent": "Қатыспағандар / Отсутствовали",
    "agenda": "Күн тәртібі / Повестка дня",
    "heard": "Тыңдалды / Слушали",
    "spoke": "Сөйледі / Выступили",
    "proposals": "Ұсыныстар мен ескертулер / Предложения и замечания",
    "resolved": "Шешім / Решили",
    "responsible": "жауапты / ответственный",
    "deadline": "мерзімі / срок",
    "people": "адам / чел.",
    "carried": "Бұрынғы шешімдердің орындалуы / Исполнение прежних решений",
    "open": "орындалуда / на исполнении",
    "done": "орындалды / исполнено",
}


@dataclass
class MinutesItem:
    position: int
    topic: str
    heard: str
    spoke: str
    proposals: str
    decisions: list[str] = field(default_factory=list)


def _name(member: Member | None) -> str:
    return member.full_name if member else ""


def minutes_context(meeting: Meeting) -> dict:
    present = list(meeting.present.select_related("membership__user").order_by("membership__user__full_name"))
    present_ids = {m.pk for m in present}
    absent = [
        m
        for m in Member.objects.active()
        .filter(organization_id=meeting.organization_id, joined_on__lte=meeting.date)
        .select_related("membership__user")
        .order_by("membership__user__full_name")
        if m.pk not in present_ids
    ]
    invited = [line.strip() for line in meeting.invited.splitlines() if line.strip()]
    decisions = Prefetch("decisions", queryset=Decision.objects.select_related("responsible__user").order_by("pk"))
    items = []
    for item in AgendaItem.objects.filter(meeting=meeting).prefetch_related(decisions).order_by("position"):
        items.append(
            MinutesItem(
                position=item.position,
                topic=item.topic,
                heard=item.heard,
                spoke=item.spoke,
                proposals=item.proposals,
                decisions=[
                    f"{d.text} ({LABELS['responsible']}: {d.responsible_name}; {LABELS['deadline']}: {d.deadline:%d.%m.%Y})"
                    for d in item.decisions.all()
                ],
            )
        )
    carried = [
        f"{d.text} ({LABELS['responsible']}: {d.responsible_name}; {LABELS['deadline']}: {d.deadline:%d.%m.%Y}) — "
        + (f"{LABELS['done']} {d.done_on:%d.%m.%Y}" if d.done_on and d.done_on <= meeting.date else LABELS["open"])
        for d in Decision.objects.open_on(meeting).select_related("responsible__user").order_by("deadline", "pk")
    ]
    organization = meeting.organization
    names = [organization.name_kk, organization.name_ru]  # type: ignore[attr-defined]
    return {
        "meeting": meeting,
        "labels": LABELS,
        "organization_names": [n for i, n in enumerate(names) if n and n not in names[:i]],
        "number": meeting.number,
        "date": meeting.date.strftime("%d.%m.%Y"),
        "kind": LABELS["kind_planned"] if meeting.kind == Meeting.Kind.PLANNED else LABELS["kind_unplanned"],
        "remote": meeting.format == Meeting.Format.REMOTE,
        "place": meeting.place,
        "chair": _name(meeting.chair),
        "secretary": _name(meeting.secretary),
        "present": [m.full_name for m in present],
        "present_count": len(present) + len(invited),
        "invited": invited,
        "absent": [m.full_name for m in absent],
        "items": items,
        "carried": carried,
    }


def minutes_pdf(meeting: Meeting) -> bytes:
    from weasyprint import CSS, HTML  # imported here: loading Pango is slow and only PDFs need it

    html = render_to_string("council/minutes_print.html", {**minutes_context(meeting), "for_pdf": True})
    stylesheet = CSS(filename=finders.find("council/minutes-print.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])


def _minutes_template():
    d = docx.new_document()
    docx.paragraph(d, "{{ organization_lines }}", center=True)
    docx.paragraph(d, "{{ labels.minutes }} № {{ number }}", bold=True, center=True, size=14)
    docx.paragraph(d, "{{ labels.body }} ({{ kind }}{% if remote %}, {{ labels.remote }}{% endif %})", center=True)
    docx.paragraph(d, "{{ labels.date }}: {{ date }}{% if place %}, {{ place }}{% endif %}")
    docx.paragraph(d, "{{ labels.chair }}: {{ chair }}")
    docx.paragraph(d, "{{ labels.secretary }}: {{ secretary }}")
    docx.paragraph(
        d, "{{ labels.present }}: {{ present_count }} {{ labels.people }}{% if present %} — {{ present_line }}{% endif %}"
    )
    docx.paragraph(d, "{% if invited %}{{ labels.invited }}: {{ invited|join(', ') }}{% endif %}")
    docx.paragraph(d, "{{ labels.absent }}: {% if absent %}{{ absent|join(', ') }}{% else %}—{% endif %}")
    docx.paragraph(d, "{{ labels.agenda }}:", bold=True)
    docx.paragraph(d, "{{ agenda_lines }}")
    docx.paragraph(d, "{%p if carried %}")
    docx.paragraph(d, "{{ labels.carried }}:", bold=True)
    docx.paragraph(d, "{%p for text in carried %}")
    docx.paragraph(d, "— {{ text }}")
    docx.paragraph(d, "{%p endfor %}")
    docx.paragraph(d, "{%p endif %}")
    # One block per agenda item: docxtpl's paragraph loop ({%p for %}).
    docx.paragraph(d, "{%p for item in items %}")
    docx.paragraph(d, "{{ item.position }}. {{ labels.heard }}: {{ item.heard }}")
    docx.paragraph(d, "{%p if item.spoke %}")
    docx.paragraph(d, "{{ labels.spoke }}: {{ item.spoke }}")
    docx.paragraph(d, "{%p endif %}")
    docx.paragraph(d, "{%p if item.proposals %}")
    docx.paragraph(d, "{{ labels.proposals }}: {{ item.proposals }}")
    docx.paragraph(d, "{%p endif %}")
    docx.paragraph(d, "{{ labels.resolved }}:")
    docx.paragraph(d, "{%p for text in item.decisions %}")
    docx.paragraph(d, "{{ loop.index }}) {{ text }}")
    docx.paragraph(d, "{%p endfor %}")
    docx.paragraph(d, "{%p endfor %}")
    docx.paragraph(d, "")
    docx.paragraph(d, "{{ labels.chair }}: ____________ {{ chair }}")
    docx.paragraph(d, "{{ labels.secretary }}: ____________ {{ secretary }}")
    return d


def minutes_docx(meeting: Meeting) -> bytes:
    context = minutes_context(meeting)
    # Lines joined here: a line break typed into the template would split its tags in Word's XML.
    context["organization_lines"] = "\n".join(context["organization_names"])
    context["present_line"] = (" — " + ", ".join(context["present"])) if context["present"] else ""
    context["agenda_lines"] = "\n".join(f"{item.position}. {item.topic}" for item in context["items"])
    return docx.render(_minutes_template, context)
