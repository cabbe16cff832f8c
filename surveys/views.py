"""The retailer's survey pages on the phone (`/m/surveys/`): its invitations, and the questionnaire
of an open wave it was drawn for, answered once. Each view reads only the logged-in retailer's own."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from retailers.phone import retailer_page

from .models import WaveStatus
from .selectors import retailer_invitations, wave_questions
from .services import InvalidAnswers, SurveyError, invitation_answer, open_invitation

NOT_APPLICABLE = "na"




@retailer_page
def survey_list(request, retailer):
    today = timezone.localdate()
    invitations = retailer_invitations(retailer=retailer, today=today)
    context = {
        "retailer": retailer, "nav": "surveys",
        "to_answer": [i for i in invitations if i.answered_at is None],
        "answered": [i for i in invitations if i.answered_at is not None],
    }  # fmt: skip
    return render(request, "surveys/list.html", context)


def scale_labels(scale) -> dict[int, str]:
    """The words under the ends (and, on 1–5, every point) of the scale."""
    if scale.high - scale.low == 4:
        words = [_("Very dissatisfied"), _("Dissatisfied"), _("Neutral"), _("Satisfied"), _("Very satisfied")]
        return dict(zip(range(scale.low, scale.high + 1), words, strict=True))
    return {scale.low: _("Very dissatisfied"), scale.high: _("Very satisfied")}


def _posted_answers(post, questions) -> tuple[dict[int, int | None], dict[int, str]]:
    """The form as `invitation_answer` takes it; unreadable values named per question."""
    answers: dict[int, int | None] = {}
    errors: dict[int, str] = {}
    for q in questions:
        raw = post.get(f"q{q.item.pk}", "").strip()
        if not raw:
            continue
        if raw == NOT_APPLICABLE:
            answers[q.item.pk] = None
        elif raw.isdigit() and len(raw) <= 2:
            answers[q.item.pk] = int(raw)
        else:
            errors[q.item.pk] = _("Choose a score.")
    return answers, errors


@retailer_page
def survey_answer(request, retailer, wave_id: int):
    invitation = open_invitation(wave_id=wave_id, retailer=retailer)
    if invitation is None or invitation.wave.status == WaveStatus.DRAFT:
        raise Http404
    wave = invitation.wave
    today = timezone.localdate()
    context = {"retailer": retailer, "nav": "surveys", "wave": wave, "invitation": invitation}
    if invitation.answered_at is not None or not wave.is_open_on(today):
        status = 409 if request.method == "POST" else 200
        return render(request, "surveys/closed.html", context, status=status)
    questions = wave_questions(wave)
    scale = wave.questionnaire.scale_range
    entered: dict[int, str] = {}
    errors: dict[int, str] = {}
    status = 200
    if request.method == "POST":
        entered = {q.item.pk: request.POST.get(f"q{q.item.pk}", "") for q in questions}
        answers, errors = _posted_answers(request.POST, questions)
        if not errors:
            try:
                invitation_answer(wave_id=wave.pk, retailer=retailer, answers=answers, actor=request.user)
            except InvalidAnswers as exc:
                errors = exc.errors
            except SurveyError as exc:
                messages.error(request, str(exc))
                return redirect("surveys:list")
            else:
                messages.success(request, _("Thank you: your answers are recorded."))
                return redirect("surveys:list")
        status = 400
    labels = scale_labels(scale)
    points = [(v, labels.get(v, "")) for v in range(scale.low, scale.high + 1)]
    sections: list[tuple[str, list[dict]]] = []
    for q in questions:
        row = {"question": q.item, "error": errors.get(q.item.pk, ""), "value": entered.get(q.item.pk, "")}
        if not sections or sections[-1][0] != q.section:
            sections.append((q.section, []))
        sections[-1][1].append(row)
    context.update(
        sections=sections, points=points, not_applicable=NOT_APPLICABLE, error_count=len(errors),
        wide=scale.high - scale.low > 4,
    )  # fmt: skip
    return render(request, "surveys/answer.html", context, status=status)
