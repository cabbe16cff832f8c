"""The survey API (v1). Staff: the waves whose results they may read, and those results (managers:
closed waves, their own retailers, figures over at least 5 answers; never one answer). A retailer:
its own invitations, an open wave's questions, its answers (once)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.permissions import IsRetailer, IsStaffRole
from core import params
from retailers.models import Retailer

from .models import WaveStatus
from .selectors import can_see_results, levels_for, retailer_invitations, wave_questions, wave_results, waves_visible_to
from .services import InvalidAnswers, SurveyError, invitation_answer, open_invitation
from .tables import QUADRANT_LABELS


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


class WaveOutput(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    opens_on = serializers.DateField()
    closes_on = serializers.DateField()
    status = serializers.CharField()


class SurveyWaveListApi(APIView):
    permission_classes = [IsStaffRole]

    @extend_schema(responses=WaveOutput(many=True), operation_id="survey_waves")
    def get(self, request):
        waves = waves_visible_to(user=request.user).exclude(status=WaveStatus.DRAFT).order_by("-opens_on", "-pk")
        return Response(WaveOutput(waves, many=True).data)


class DimensionResultOutput(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    index = serializers.FloatField(allow_null=True)
    previous = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True)
    importance = serializers.FloatField(allow_null=True)
    quadrant = serializers.CharField(allow_blank=True)
    quadrant_label = serializers.CharField(allow_blank=True)


class GroupResultOutput(serializers.Serializer):
    label = serializers.CharField()
    answers = serializers.IntegerField()
    overall = serializers.FloatField(allow_null=True)
    change = serializers.FloatField(allow_null=True)
    dimensions = serializers.DictField(child=serializers.FloatField(allow_null=True))


class WaveResultsOutput(serializers.Serializer):
    wave = WaveOutput()
    previous_wave = WaveOutput(allow_null=True)
    sampled = serializers.IntegerField()
    answered = serializers.IntegerField()
    minimum_answers = serializers.IntegerField(allow_null=True, help_text="figures over fewer answers are null")
    overall = serializers.FloatField(allow_null=True)
    overall_change = serializers.FloatField(allow_null=True)
    overall_question = serializers.FloatField(allow_null=True)
    dimensions = DimensionResultOutput(many=True)
    level = serializers.CharField()
    groups = GroupResultOutput(many=True)


def _round(value, places=1):
    return None if value is None else round(value, places)


class SurveyWaveResultsApi(APIView):
    permission_classes = [IsStaffRole]

    @extend_schema(
        responses=WaveResultsOutput, operation_id="survey_wave_results",
        parameters=[OpenApiParameter("level", str, enum=["manager", "department", "branch", "tier_band", "format"],
                                     description="grouping (managers: tier_band or format)")],
    )  # fmt: skip
    def get(self, request, pk: int):
        wave = waves_visible_to(user=request.user).filter(pk=pk).select_related("questionnaire").first()
        if wave is None or not can_see_results(user=request.user, wave=wave):
            raise exceptions.NotFound()
        offered = levels_for(request.user)
        level = params.choice(request, "level", offered, label=_("Grouping"), default=offered[0])
        results = wave_results(wave=wave, user=request.user, levels=[level])
        ipa = {r.code: r for r in results.ipa}
        total = results.total
        data = {
            "wave": wave, "previous_wave": results.previous, "sampled": results.sampled, "answered": results.answered,
            "minimum_answers": results.minimum, "overall": _round(total.overall),
            "overall_change": _round(total.overall_change), "overall_question": _round(results.overall_item),
            "dimensions": [
                {"code": d.code, "name": d.name, "index": _round(total.dimensions.get(d.code)),
                 "previous": _round(total.before.get(d.code)), "change": _round(total.changes.get(d.code)),
                 "importance": _round(ipa[d.code].importance, 3) if d.code in ipa else None,
                 "quadrant": ipa[d.code].quadrant if d.code in ipa else "",
                 "quadrant_label": str(QUADRANT_LABELS[ipa[d.code].quadrant]) if d.code in ipa and ipa[d.code].quadrant else ""}
                for d in results.dimensions
            ],
            "level": level,
            "groups": [
                {"label": g.label, "answers": g.answers, "overall": _round(g.overall), "change": _round(g.overall_change),
                 "dimensions": {c: _round(v) for c, v in g.dimensions.items()}}
                for g in results.groups[level]
            ],
        }  # fmt: skip
        return Response(WaveResultsOutput(data).data)


def _retailer(request) -> Retailer:
    retailer = Retailer.objects.filter(user=request.user).first()
    if retailer is None:
        raise exceptions.NotFound(_("This login has no shop."))
    return retailer


class MySurveyOutput(serializers.Serializer):
    wave = serializers.IntegerField(source="wave_id")
    name = serializers.CharField(source="wave.name")
    opens_on = serializers.DateField(source="wave.opens_on")
    closes_on = serializers.DateField(source="wave.closes_on")
    answered_at = serializers.DateTimeField(allow_null=True)


class MySurveyListApi(APIView):
    permission_classes = [IsRetailer]

    @extend_schema(responses=MySurveyOutput(many=True), operation_id="me_surveys")
    def get(self, request):
        found = retailer_invitations(retailer=_retailer(request), today=timezone.localdate())
        return Response(MySurveyOutput(found, many=True).data)


class QuestionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    section = serializers.CharField()
    text = serializers.CharField()
    allow_not_applicable = serializers.BooleanField()


class MySurveyOutputDetail(serializers.Serializer):
    wave = serializers.IntegerField()
    name = serializers.CharField()
    intro = serializers.CharField(allow_blank=True)
    scale_low = serializers.IntegerField()
    scale_high = serializers.IntegerField()
    open = serializers.BooleanField()
    answered_at = serializers.DateTimeField(allow_null=True)
    questions = QuestionOutput(many=True)


class AnswerInput(serializers.Serializer):
    question = serializers.IntegerField()
    score = serializers.IntegerField(allow_null=True, help_text="null: don't know (where the question allows it)")


class AnswersInput(serializers.Serializer):
    answers = AnswerInput(many=True, label=gettext_lazy("Answers to the questions"))


class MySurveyApi(APIView):
    permission_classes = [IsRetailer]

    def _invitation(self, request, wave_id: int):
        invitation = open_invitation(wave_id=wave_id, retailer=_retailer(request))
        if invitation is None or invitation.wave.status == WaveStatus.DRAFT:
            raise exceptions.NotFound(_("You are not asked to answer this survey."))
        return invitation

    @extend_schema(responses=MySurveyOutputDetail, operation_id="me_survey")
    def get(self, request, wave_id: int):
        invitation = self._invitation(request, wave_id)
        wave = invitation.wave
        scale = wave.questionnaire.scale_range
        data = {
            "wave": wave.pk, "name": wave.name, "intro": wave.questionnaire.intro, "scale_low": scale.low,
            "scale_high": scale.high, "open": wave.is_open_on(timezone.localdate()), "answered_at": invitation.answered_at,
            "questions": [
                {"id": q.item.pk, "section": q.section, "text": q.item.text, "allow_not_applicable": q.item.allow_not_applicable}
                for q in wave_questions(wave)
            ],
        }  # fmt: skip
        return Response(MySurveyOutputDetail(data).data)

    @extend_schema(request=AnswersInput, responses={201: MySurveyOutput}, operation_id="me_survey_answer")
    def post(self, request, wave_id: int):
        invitation = self._invitation(request, wave_id)
        payload = AnswersInput(data=request.data)
        payload.is_valid(raise_exception=True)
        answers: dict[int, int | None] = {}
        for a in payload.validated_data["answers"]:
            if a["question"] in answers:
                raise exceptions.ValidationError({str(a["question"]): [_("This question is answered twice.")]})
            answers[a["question"]] = a["score"]
        try:
            answered = invitation_answer(wave_id=wave_id, retailer=invitation.retailer, answers=answers, actor=request.user)
        except InvalidAnswers as exc:
            raise exceptions.ValidationError({str(k): [v] for k, v in exc.errors.items()}) from exc
        except SurveyError as exc:
            raise Conflict(str(exc)) from exc
        return Response(MySurveyOutput(answered).data, status=status.HTTP_201_CREATED)

