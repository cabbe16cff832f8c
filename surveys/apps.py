from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Satisfaction surveys")

    def ready(self) -> None:
        from core.audit_words import Records, audit_keys_register, audit_objects_register, audit_values_register

        questionnaire = Records("surveys.Questionnaire", str)
        audit_objects_register("survey_wave", Records("surveys.Wave", str))
        audit_objects_register("survey_questionnaire", questionnaire)
        audit_values_register("from", questionnaire, action="survey_questionnaire_copied")
        audit_keys_register({"from": _("copied from")}, action="survey_questionnaire_copied")
        audit_keys_register({"standard": _("standard questionnaire")}, action="survey_questionnaire_created")
