"""A satisfaction survey in Kazakh and Russian (issue 7, item 5): staff write the questions in
one language or both, and each respondent reads them in the language of their page (fallback:
the other language), as engagement's events do."""

from modeltranslation.translator import TranslationOptions, register

from qamqor.reports.models import Survey, SurveyQuestion


@register(Survey)
class SurveyTranslation(TranslationOptions):
    # services.survey_create asks for the title in at least one of the two languages.
    fields = ("title",)
    required_languages = ()


@register(SurveyQuestion)
class SurveyQuestionTranslation(TranslationOptions):
    # The answers to choose from are a list per language, in the same order: an answer is kept
    # as its position, so both languages' answers count together.
    fields = ("text", "options")
    required_languages = ()
