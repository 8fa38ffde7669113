from modeltranslation.translator import TranslationOptions, register

from qamqor.portal.models import Material


@register(Material)
class MaterialTranslation(TranslationOptions):
    # Written in Kazakh and/or Russian; neither is required here: Material.clean() asks for
    # the languages the material is in.
    fields = ("title", "body")
    required_languages = ()
