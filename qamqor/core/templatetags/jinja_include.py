"""`{% jinja_include "core/_nav.html" %}`: a Jinja2 partial inside a Django template, so the
parts both engines' pages share (the navigation bar) are written once."""

from django import template
from django.template import engines
from django.utils.safestring import mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def jinja_include(context, template_name: str) -> str:
    # The Jinja2 backend runs the same context processors for the request.
    return mark_safe(engines["jinja2"].get_template(template_name).render({}, request=context["request"]))  # noqa: S308
