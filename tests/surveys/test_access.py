"""Who may open which survey page and endpoint. A customer manager never sees one answer of their
retailers, and no figure over fewer than 5 answers; a retailer answers once, only its own, only when
drawn and the wave is open (docs/domain.md §9)."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from surveys.models import Dimension, Invitation, Item, Questionnaire, SampleMode, Wave, WaveStatus
from surveys.services import wave_open
from tests.factories import UserFactory
from tests.surveys.conftest import give_login, make_wave

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_wave(questionnaire, shops, supervisor, answered_waves):
    """A wave open today, asked of manager_a's a1 and a2 only (a share of 1 with a floor of 2 would
    draw at random: the other invitations are removed to fix who is asked)."""
    today = timezone.localdate()
    wave = make_wave(questionnaire, opens_on=today - dt.timedelta(days=1), closes_on=today + dt.timedelta(days=5),
                     name="进行中的测评")  # fmt: skip
    wave_open(wave=wave, actor=supervisor, today=today)
    wave.invitations.exclude(retailer__in=[shops["a1"], shops["a2"]]).delete()
    wave.refresh_from_db()
    return wave


@pytest.fixture
def a1_user(shops):
    return give_login(shops["a1"])


@pytest.fixture
def b1_user(shops):
    return give_login(shops["b1"])


def _full_form(wave, score="4") -> dict:
    return {f"q{pk}": score for pk in wave.item_ids}


# --- the phone pages ------------------------------------------------------------------------------


def test_phone_pages_need_a_retailer_login(client, open_wave, manager_a):
    for url in (reverse("surveys:list"), reverse("surveys:answer", args=[open_wave.pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("portal:login"))
    client.force_login(manager_a)
    assert client.get(reverse("surveys:list")).url == reverse("admin:index")
    assert client.post(reverse("surveys:answer", args=[open_wave.pk]), _full_form(open_wave)).status_code == 302
    assert not Invitation.objects.filter(wave=open_wave, answered_at__isnull=False).exists()


def test_a_drawn_retailer_answers_once_on_the_phone(client, open_wave, a1_user, shops):
    client.force_login(a1_user)
    listing = client.get(reverse("surveys:list")).content.decode()
    assert "进行中的测评" in listing
    assert reverse("surveys:answer", args=[open_wave.pk]) in listing
    assert "2026年" in listing  # the closed wave it answered, as answered
    page = client.get(reverse("surveys:answer", args=[open_wave.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert all(f'name="q{pk}"' in body for pk in open_wave.item_ids)
    assert 'value="na"' in body  # B1 allows "don't know"
    done = client.post(reverse("surveys:answer", args=[open_wave.pk]), {**_full_form(open_wave), f"q{open_wave.item_ids[2]}": "na"})
    assert done.status_code == 302
    assert done.url == reverse("surveys:list")
    invitation = Invitation.objects.get(wave=open_wave, retailer=shops["a1"])
    assert invitation.scores == [4, 4, None, 4]
    again = client.post(reverse("surveys:answer", args=[open_wave.pk]), _full_form(open_wave, "1"))
    assert again.status_code == 409
    invitation.refresh_from_db()
    assert invitation.scores == [4, 4, None, 4]
    assert client.get(reverse("surveys:answer", args=[open_wave.pk])).status_code == 200  # "you answered on …"


def test_a_form_with_questions_left_out_comes_back_with_the_marks(client, open_wave, a1_user, shops):
    client.force_login(a1_user)
    first = open_wave.item_ids[0]
    response = client.post(reverse("surveys:answer", args=[open_wave.pk]), {f"q{first}": "5", f"q{open_wave.item_ids[3]}": "na"})
    assert response.status_code == 400
    body = response.content.decode()
    assert f'name="q{first}" value="5" checked' in body  # kept as entered
    assert body.count('class="err"') == 3  # A2 and B1 missing; "don't know" refused on the overall question
    assert Invitation.objects.get(wave=open_wave, retailer=shops["a1"]).answered_at is None


def test_a_retailer_not_drawn_cannot_answer(client, open_wave, b1_user, shops):
    client.force_login(b1_user)
    assert "进行中的测评" not in client.get(reverse("surveys:list")).content.decode()
    assert client.get(reverse("surveys:answer", args=[open_wave.pk])).status_code == 404
    assert client.post(reverse("surveys:answer", args=[open_wave.pk]), _full_form(open_wave)).status_code == 404
    assert not Invitation.objects.filter(wave=open_wave, answered_at__isnull=False).exists()


def test_closed_and_draft_waves_take_no_answers(client, answered_waves, questionnaire, a1_user, shops):
    _previous, closed = answered_waves
    client.force_login(a1_user)
    # a1 answered the closed wave: it reads that it did, and cannot answer again
    assert client.post(reverse("surveys:answer", args=[closed.pk]), _full_form(closed, "1")).status_code == 409
    assert Invitation.objects.get(wave=closed, retailer=shops["a1"]).scores == [5, 5, 5, 5]
    # a6 never answered the closed wave: too late
    a6 = give_login(shops["a6"])
    client.force_login(a6)
    assert client.post(reverse("surveys:answer", args=[closed.pk]), _full_form(closed)).status_code == 409
    assert Invitation.objects.get(wave=closed, retailer=shops["a6"]).answered_at is None
    draft = make_wave(questionnaire, opens_on=timezone.localdate(), closes_on=timezone.localdate())
    assert client.get(reverse("surveys:answer", args=[draft.pk])).status_code == 404


# --- the admin ------------------------------------------------------------------------------------


def test_wave_list_per_role(client, answered_waves, open_wave, supervisor, manager_a, a1_user):
    url = reverse("admin:surveys_wave_changelist")
    client.force_login(supervisor)
    assert client.get(url).context["cl"].result_count == 3
    client.force_login(manager_a)
    shown = client.get(url).context["cl"].queryset
    assert set(shown.values_list("status", flat=True)) == {WaveStatus.CLOSED}  # closed waves only
    assert client.get(reverse("admin:surveys_wave_add")).status_code == 403
    assert client.get(reverse("admin:surveys_wave_change", args=[open_wave.pk])).status_code == 302  # not in its list
    client.force_login(a1_user)
    assert client.get(url).status_code == 302  # a retailer never reaches the admin


def test_opening_and_closing_are_for_supervisors(client, questionnaire, shops, supervisor, manager_a):
    today = timezone.localdate()
    wave = make_wave(questionnaire, opens_on=today, closes_on=today + dt.timedelta(days=3), sample_mode=SampleMode.ALL)
    client.force_login(manager_a)
    assert client.post(reverse("admin:surveys_wave_open", args=[wave.pk])).status_code == 403
    client.force_login(supervisor)
    assert client.get(reverse("admin:surveys_wave_open", args=[wave.pk])).status_code == 403  # POST only
    assert client.post(reverse("admin:surveys_wave_open", args=[wave.pk])).status_code == 302
    wave.refresh_from_db()
    assert wave.status == WaveStatus.OPEN
    assert wave.invitations.count() == 9
    client.force_login(manager_a)
    assert client.post(reverse("admin:surveys_wave_close", args=[wave.pk])).status_code == 403
    client.force_login(supervisor)
    assert client.post(reverse("admin:surveys_wave_close", args=[wave.pk])).status_code == 302
    wave.refresh_from_db()
    assert wave.status == WaveStatus.CLOSED


def test_questionnaires_per_role(client, supervisor, manager_a):
    client.force_login(manager_a)
    assert client.get(reverse("admin:surveys_questionnaire_changelist")).status_code == 200
    assert client.post(reverse("admin:surveys_questionnaire_standard")).status_code == 403
    assert client.get(reverse("admin:surveys_questionnaire_add")).status_code == 403
    client.force_login(supervisor)
    page = client.get(reverse("admin:surveys_questionnaire_changelist")).content.decode()
    assert "standard-questionnaire" in page
    response = client.post(reverse("admin:surveys_questionnaire_standard"))
    assert response.status_code == 302
    made = Questionnaire.objects.get()
    assert response.url == reverse("admin:surveys_questionnaire_change", args=[made.pk])
    assert made.items.count() == 33


def test_a_questionnaire_in_use_is_frozen(client, open_wave, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("admin:surveys_questionnaire_change", args=[open_wave.questionnaire_id]))
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False


def test_individual_answers_are_for_supervisors_only(client, answered_waves, supervisor, manager_a, shops):
    _previous, current = answered_waves
    invitation = Invitation.objects.get(wave=current, retailer=shops["a1"])
    client.force_login(manager_a)
    assert client.get(reverse("admin:surveys_invitation_changelist")).status_code == 403
    assert client.get(reverse("admin:surveys_invitation_change", args=[invitation.pk])).status_code == 403
    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:surveys_invitation_changelist") not in index
    client.force_login(supervisor)
    assert client.get(reverse("admin:surveys_invitation_changelist")).status_code == 200
    page = client.get(reverse("admin:surveys_invitation_change", args=[invitation.pk])).content.decode()
    assert "<td>A1</td><td>5</td>" in page


def test_results_page_per_role(client, answered_waves, open_wave, supervisor, manager_a, manager_b):
    _previous, current = answered_waves
    url = reverse("admin:surveys_wave_results", args=[current.pk])
    client.force_login(supervisor)
    page = client.get(url, {"level": "manager"})
    assert page.status_code == 200
    assert page.context["headline"]["overall"] == "51.8"  # (375 / 7 + 50) / 2 = 51.79
    assert client.get(reverse("admin:surveys_wave_results", args=[open_wave.pk])).status_code == 200  # interim
    # a manager: only closed waves, only their own retailers, only the groupings within them
    client.force_login(manager_a)
    assert client.get(reverse("admin:surveys_wave_results", args=[open_wave.pk])).status_code == 404
    assert client.get(url, {"level": "manager"}).status_code == 400
    mine = client.get(url, {"level": "tier_band"})
    assert mine.status_code == 200
    assert mine.context["headline"]["overall"] == "55.0"
    assert mine.context["headline"]["answered"] == "5"
    assert [row[2] for row in mine.context["rows"]] == ["—", "—"]  # bands of 3 and 2 answers
    assert "51.8" not in mine.content.decode()  # nothing beyond their own retailers
    client.force_login(manager_b)
    theirs = client.get(url, {"level": "format"})
    assert theirs.context["headline"]["overall"] == "—"  # 2 answers
    assert all(cell == "—" for row in theirs.context["dimension_rows"] for cell in row[1:4])
    assert theirs.context["ipa_chart"] == ""


def test_a_managers_xlsx_hides_the_same_figures(client, answered_waves, manager_b, manager_a):
    _previous, current = answered_waves
    client.force_login(manager_b)
    response = client.get(reverse("admin:surveys_wave_results", args=[current.pk]), {"format": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(book.sheetnames) == 4  # wave, dimensions, by tier band, by format: never by manager
    numbers = [c for sheet in book.worksheets[1:] for row in sheet.iter_rows(min_row=3, values_only=True)
               for c in row[2:] if isinstance(c, float)]  # fmt: skip
    assert numbers == []  # 2 answers: no index anywhere
    client.force_login(manager_a)
    book = openpyxl.load_workbook(io.BytesIO(client.get(reverse("admin:surveys_wave_results", args=[current.pk]), {"format": "xlsx"}).content))
    dims = list(book.worksheets[1].iter_rows(min_row=3, values_only=True))
    assert dims[0][:2] == ("维度A", 55.0)


# --- the API --------------------------------------------------------------------------------------


def _api(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_authenticate(user)
    return api


def test_api_waves_and_results_per_role(answered_waves, open_wave, supervisor, manager_a, a1_user):
    _previous, current = answered_waves
    assert _api().get(reverse("api-survey-waves")).status_code in (401, 403)
    assert _api(a1_user).get(reverse("api-survey-waves")).status_code == 403
    assert [w["status"] for w in _api(manager_a).get(reverse("api-survey-waves")).json()] == ["closed", "closed"]
    assert len(_api(supervisor).get(reverse("api-survey-waves")).json()) == 3
    results = reverse("api-survey-wave-results", args=[current.pk])
    assert _api(a1_user).get(results).status_code == 403
    assert _api(manager_a).get(reverse("api-survey-wave-results", args=[open_wave.pk])).status_code == 404
    assert _api(manager_a).get(results, {"level": "manager"}).status_code == 400
    mine = _api(manager_a).get(results, {"level": "tier_band"}).json()
    assert (mine["overall"], mine["answered"], mine["minimum_answers"]) == (55.0, 5, 5)
    assert [g["overall"] for g in mine["groups"]] == [None, None]
    everything = _api(supervisor).get(results, {"level": "manager"}).json()
    assert everything["overall"] == pytest.approx(51.8)
    assert everything["minimum_answers"] is None
    assert [d["quadrant"] for d in everything["dimensions"]] == ["keep", "secondary"]


def test_api_a_retailer_answers_once(open_wave, a1_user, b1_user, manager_a, shops):
    url = reverse("api-me-survey", args=[open_wave.pk])
    assert _api(manager_a).get(reverse("api-me-surveys")).status_code == 403
    listed = _api(a1_user).get(reverse("api-me-surveys")).json()
    assert open_wave.pk in [s["wave"] for s in listed]
    detail = _api(a1_user).get(url).json()
    assert [q["id"] for q in detail["questions"]] == open_wave.item_ids
    assert (detail["scale_low"], detail["scale_high"], detail["open"]) == (1, 5, True)
    assert _api(b1_user).get(url).status_code == 404  # not drawn
    body = {"answers": [{"question": pk, "score": 3} for pk in open_wave.item_ids]}
    assert _api(b1_user).post(url, body, format="json").status_code == 404
    bad = _api(a1_user).post(url, {"answers": [{"question": open_wave.item_ids[0], "score": 9}]}, format="json")
    assert bad.status_code == 400
    assert set(bad.json()["error"]["fields"]) == {str(pk) for pk in open_wave.item_ids}
    assert _api(a1_user).post(url, body, format="json").status_code == 201
    again = _api(a1_user).post(url, body, format="json")
    assert again.status_code == 409
    assert Invitation.objects.get(wave=open_wave, retailer=shops["a1"]).scores == [3, 3, 3, 3]
    assert not Invitation.objects.filter(retailer=shops["b1"], wave=open_wave).exists()


def test_api_closed_wave_is_a_conflict(answered_waves, shops):
    _previous, closed = answered_waves
    a6 = give_login(shops["a6"])
    body = {"answers": [{"question": pk, "score": 3} for pk in closed.item_ids]}
    assert _api(a6).post(reverse("api-me-survey", args=[closed.pk]), body, format="json").status_code == 409


def test_a_user_without_a_role_sees_nothing(client, answered_waves):
    _previous, current = answered_waves
    nobody = UserFactory(username="nobody", role="", is_staff=True)
    client.force_login(nobody)
    assert client.get(reverse("admin:surveys_wave_results", args=[current.pk])).status_code == 404
    assert Wave.objects.count() == 2


def test_a_supervisor_starts_a_wave_from_the_admin_in_a_minute(client, supervisor, shops):
    """The standard questionnaire (one button), a wave on it (the add form), the sample (one button)."""
    client.force_login(supervisor)
    client.post(reverse("admin:surveys_questionnaire_standard"))
    questionnaire = Questionnaire.objects.get()
    today = timezone.localdate()
    form = {
        "name": "年中测评", "questionnaire": questionnaire.pk, "opens_on": today.isoformat(),
        "closes_on": (today + dt.timedelta(days=14)).isoformat(), "sample_mode": "share", "sample_percent": "10",
        "sample_minimum": "2", "tier_bands": "21，11", "seed": "5",
    }  # fmt: skip
    bad = client.post(reverse("admin:surveys_wave_add"), {**form, "closes_on": (today - dt.timedelta(days=1)).isoformat()})
    assert bad.status_code == 200
    assert "closes_on" in bad.context["adminform"].form.errors
    assert client.post(reverse("admin:surveys_wave_add"), {**form, "tier_bands": "eleven"}).status_code == 200
    assert client.post(reverse("admin:surveys_wave_add"), form).status_code == 302
    wave = Wave.objects.get()
    assert (wave.tier_bands, wave.created_by, wave.status) == ("11,21", supervisor, WaveStatus.DRAFT)
    page = client.get(reverse("admin:surveys_wave_change", args=[wave.pk])).content.decode()
    assert 'id="open-wave"' in page
    client.post(reverse("admin:surveys_wave_open", args=[wave.pk]))
    wave.refresh_from_db()
    # 10% with at least 2: manager_a's 6 → 2, manager_b's 3 → 2
    assert wave.invitations.count() == 4
    page = client.get(reverse("admin:surveys_wave_change", args=[wave.pk]))
    assert 'id="close-wave"' in page.content.decode()
    assert "name" not in page.context["adminform"].form.fields  # nothing to change once drawn


def test_a_zero_to_ten_survey_on_the_phone(client, shops, supervisor):
    q = Questionnaire.objects.create(name="十分制", scale="0-10")
    d = Dimension.objects.create(questionnaire=q, code="s", name="服务", position=1)
    Item.objects.create(questionnaire=q, dimension=d, text="服务好", position=1)
    today = timezone.localdate()
    wave = make_wave(q, opens_on=today, closes_on=today)
    wave_open(wave=wave, actor=supervisor, today=today)
    wave.refresh_from_db()
    user = give_login(shops["b2"])
    client.force_login(user)
    url = reverse("surveys:answer", args=[wave.pk])
    body = client.get(url).content.decode()
    assert [v for v in range(11) if f'name="q{wave.item_ids[0]}" value="{v}"' in body] == list(range(11))
    assert "非常不满意" in body  # the ends of the scale named
    refused = client.post(url, {f"q{wave.item_ids[0]}": "11"})
    assert refused.status_code == 400
    assert "请选择 0 到 10 之间的分数" in refused.content.decode()
    assert client.post(url, {f"q{wave.item_ids[0]}": "0"}).status_code == 302
    assert Invitation.objects.get(wave=wave, retailer=shops["b2"]).scores == [0]


def test_the_pages_in_english(client, open_wave, a1_user, supervisor, answered_waves):
    client.force_login(a1_user)
    client.post(reverse("set_language"), {"language": "en", "next": "/m/surveys/"})
    page = client.get(reverse("surveys:answer", args=[open_wave.pk])).content.decode()
    assert "Send my answers" in page
    assert "Very satisfied" in page
    client.force_login(supervisor)
    client.post(reverse("set_language"), {"language": "en", "next": "/admin/"})
    results = client.get(reverse("admin:surveys_wave_results", args=[answered_waves[1].pk])).content.decode()
    assert "Index by dimension" in results
    assert "Importance" in results
