"""Shared builders for the request tests (plain functions, no mocks)."""

import datetime
import time

from django.utils import timezone

from core.spam import form_started_token
from directory.choices import OfficeKind
from directory.models import Office
from geo.models import PostalCode
from matching.models import AccompanimentRequest
from matching.requests.services import request_create

DUISBURG = ("47051", 51.4325, 6.7652)


def office(*, name: str = "Jobcenter Duisburg Mitte", code: str = "47051", verified: bool = True, **extra) -> Office:
    PostalCode.objects.get_or_create(code=DUISBURG[0], defaults={"latitude": DUISBURG[1], "longitude": DUISBURG[2]})
    defaults = {"kind": OfficeKind.JOBCENTER, "street": "Wuhanstraße 6", "city": "Duisburg", "verified": verified}
    defaults.update(extra)
    return Office.objects.get_or_create(name=name, postal_code_id=code, defaults=defaults)[0]


def in_days(days: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


def form_data(the_office: Office, **overrides) -> dict:
    start = in_days(3)
    data = {
        "first_name": "Ayşe",
        "email": "ayse@beispiel.de",
        "phone": "",
        "preferred_contact": "",
        "office_query": the_office.postal_code_id,
        "office": str(the_office.pk),
        "new_office_name": "",
        "new_office_street": "",
        "new_office_postal_code": "",
        "date": start.date().isoformat(),
        "time": "10:00",
        "duration_minutes": "60",
        "purpose": "",
        "languages": ["0"],
        "preferred_gender": "",
        "accessibility": "",
        "message": "",
        "consent": "on",
        "hp_contact": "",
        # Shown a minute ago: a person, not a bot.
        "form_started": form_started_token(at=time.time() - 60),
        "send": "1",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def make_request(*, the_office: Office | None = None, starts_at=None, **fields) -> AccompanimentRequest:
    values = {
        "first_name": "Ayşe",
        "email": "ayse@beispiel.de",
        "starts_at": starts_at or in_days(3),
        "duration_minutes": 60,
        "languages": 1,
    }
    values.update(fields)
    escort_request, _ = request_create(office=the_office or office(), **values)
    return escort_request
