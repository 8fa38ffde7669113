from modeltranslation.translator import TranslationOptions, register

from qamqor.engagement.models import Event


@register(Event)
class EventTranslation(TranslationOptions):
    # Written in Kazakh and/or Russian; Event.clean() asks for a title in at least one of them.
    fields = ("title", "description")
    required_languages = ()
