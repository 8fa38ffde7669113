from modeltranslation.translator import TranslationOptions, register

from qamqor.journal.models import Topic


@register(Topic)
class TopicTranslation(TranslationOptions):
    fields = ("name",)
