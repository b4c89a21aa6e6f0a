"""The request in Leichte Sprache at /anfrage/einfach/: one question per screen, without JavaScript.

The answers travel with the page in a signed hidden field (``state``), so nothing personal is stored
on the server before the request is sent, and every button works without JavaScript ("Zurück" and
"ändern" are submit buttons too). Every screen validates its answers with the full ``RequestForm``, and
the last one creates the request exactly as the full form does (``views.request_create_response``).
"""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from core.spam import FORM_MAX_AGE_SECONDS, form_started_token, rate_limit_hit
from directory import selectors as directory_selectors
from matching.requests.appointment import appointment_bounds
from matching.requests.form_layout import NEW_OFFICE
from matching.requests.forms import RequestForm, clean_search_text, office_label
from matching.requests.views import request_create_response

logger = logging.getLogger(__name__)

STATE_SALT = "matching.easy-request.state"


@dataclass(frozen=True)
class Step:
    name: str
    fields: tuple[str, ...]
    pictogram: str


STEPS = (
    Step("name", ("first_name",), "person"),
    Step("contact", ("phone", "email"), "phone"),
    Step("office", ("office",), "office"),
    Step("new_office", ("new_office_name", "new_office_postal_code"), "office"),
    Step("date", ("date",), "calendar"),
    Step("time", ("time", "date"), "clock"),
    Step("check", ("consent",), "check"),
)
STEP_NAMES = [step.name for step in STEPS]
# What the full form asks beyond these screens, at its defaults.
DEFAULTS = {"duration_minutes": "60", "languages": ["0"], "hp_contact": "", "consent": "on"}


def _steps(answers: dict) -> list[Step]:
    """The screens this person sees: the new office's only after "my office is not in the list"."""
    return [step for step in STEPS if step.name != "new_office" or answers.get("office") == NEW_OFFICE]


def _form(answers: dict, step: Step | None = None) -> RequestForm:
    data = {**DEFAULTS, **answers}
    if step is not None and step.name == "date" and not answers.get("time"):
        # The day alone: check it with the day's last minute, the time comes on the next screen.
        data["time"] = "23:59"
    return RequestForm(data)


def _step_errors(step: Step, answers: dict) -> list[str]:
    form = _form(answers, step)
    form.is_valid()
    messages = []
    for name in step.fields:
        for message in form.errors.get(name, []):
            if message not in messages:
                messages.append(message)
    return messages


def _render(request: HttpRequest, step: Step, state: dict, errors=(), status: int = 200) -> HttpResponse:
    answers = state["answers"]
    steps = _steps(answers)
    number = [s.name for s in steps].index(step.name) + 1
    previous = steps[number - 2].name if number > 1 else None
    offices = []
    query = clean_search_text(answers.get("office_query", ""))
    if step.name == "office" and query:
        offices = [(str(office.pk), office_label(office)) for office in directory_selectors.offices_search(query=query)]
    context = {
        "step": step,
        "number": number,
        "total": len(steps),
        "previous": previous,
        "answers": answers,
        "state": signing.dumps(state, salt=STATE_SALT, compress=True),
        "errors": errors,
        "offices": offices,
        "searched": bool(query),
        "office_chosen": _office_label(answers),
        "new_office": NEW_OFFICE,
        "date_bounds": _date_bounds() if step.name == "date" else None,
        "day": _day(answers) if step.name == "check" else None,
    }
    return render(request, "matching/easy_request.html", context, status=status)


def _day(answers: dict):
    try:
        return RequestForm.base_fields["date"].to_python(answers.get("date", ""))
    except ValidationError:
        return None


def _date_bounds() -> dict:
    earliest, latest = appointment_bounds()
    return {
        "min": timezone.localtime(earliest).date().isoformat(),
        "max": timezone.localtime(latest).date().isoformat(),
    }


def _office_label(answers: dict) -> str:
    value = answers.get("office", "")
    if value.isdigit() and len(value) < 19:
        office = directory_selectors.office_get_for_request(office_id=int(value))
        return office_label(office) if office else ""
    return answers.get("new_office_name", "")


def _answers_from_post(request: HttpRequest, step: Step, answers: dict) -> dict:
    answers = dict(answers)
    names = (*step.fields, "office_query") if step.name == "office" else step.fields
    for name in names:
        # An unticked box or radio sends nothing; the time screen also checks the day, but does not ask it.
        if name in request.POST or name in ("consent", "office"):
            answers[name] = request.POST.get(name, "").replace("\x00", "")[:500]
    if step.name == "name":
        answers["hp_contact"] = request.POST.get("hp_contact", "")[:100]
    return answers


def _first_open_step(answers: dict) -> Step:
    """The first screen whose answers do not pass yet (after a change further back, for example)."""
    for step in _steps(answers)[:-1]:
        if _step_errors(step, answers):
            return step
    return _steps(answers)[-1]


def _fresh_state() -> dict:
    return {"answers": {"form_started": form_started_token()}, "reached": STEPS[0].name}


def _state_from_post(request: HttpRequest) -> dict | None:
    """The answers so far, from the signed hidden field; None if it was changed, is too old or is missing."""
    try:
        state = signing.loads(request.POST.get("state", ""), salt=STATE_SALT, max_age=FORM_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(state, dict) or not isinstance(state.get("answers"), dict):
        return None
    return state if state.get("reached") in STEP_NAMES else None


def _step_named(name: str, state: dict) -> Step | None:
    """The screen called ``name`` if this person may go there: seen already, and part of their path."""
    steps = _steps(state["answers"])
    reached = STEP_NAMES.index(state["reached"])
    return next((s for s in steps if s.name == name and STEP_NAMES.index(name) <= reached), None)


@never_cache
@require_http_methods(["GET", "POST"])
def request_easy(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _render(request, STEPS[0], _fresh_state())
    state = _state_from_post(request)
    name = request.POST.get("step", "")
    if state is None or name not in STEP_NAMES:
        return _render(request, STEPS[0], _fresh_state())
    step = STEPS[STEP_NAMES.index(name)]
    state["answers"] = _answers_from_post(request, step, state["answers"])
    # "Zurück" and "ändern" keep what was typed on this screen and go to a screen seen before.
    target = _step_named(request.POST.get("goto", ""), state)
    if target is not None:
        return _render(request, target, state)
    if step.name == "office" and "search" in request.POST:
        return _render(request, step, state)
    errors = _step_errors(step, state["answers"])
    if errors:
        return _render(request, step, state, errors=errors)
    if step.name == "check":
        return _send(request, state)
    steps = _steps(state["answers"])
    following = steps[[s.name for s in steps].index(step.name) + 1]
    if state["reached"] == "check":
        # A change made from the last screen leads back to it (or to what the change left open).
        following = _first_open_step(state["answers"])
    if STEP_NAMES.index(following.name) > STEP_NAMES.index(state["reached"]):
        state["reached"] = following.name
    return _render(request, following, state)


def _send(request: HttpRequest, state: dict) -> HttpResponse:
    answers = state["answers"]
    if rate_limit_hit(
        request=request,
        scope="request-form",
        limit=settings.REQUEST_RATE_LIMIT,
        period_seconds=settings.REQUEST_RATE_LIMIT_SECONDS,
    ):
        logger.warning("easy request rejected: rate limit")
        return render(request, "matching/request_rate_limited.html", status=429)
    form = _form(answers)
    if not form.is_valid():
        if form.errors.get(NON_FIELD_ERRORS):
            # The spam checks: honeypot, too fast, a tampered or expired start.
            logger.warning("easy request rejected: %s", form.errors.as_data()[NON_FIELD_ERRORS][0].code)
            # A fresh start time, so that sending again can pass once the person has checked everything.
            answers["form_started"] = form_started_token()
            return _render(request, STEPS[-1], state, errors=form.non_field_errors(), status=400)
        step = _first_open_step(answers)
        return _render(request, step, state, errors=_step_errors(step, answers))
    return request_create_response(request, form)
