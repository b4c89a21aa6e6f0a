"""Printables: the flyer (A4/A5, every offered language, QR code to /anfrage/) and the "Hinweis für das Amt"."""

import re

import pytest
from django.conf import settings
from django.test import override_settings

from directory.choices import OfficeKind
from matching.engine.tests.helpers import make_office, make_request, make_volunteer, next_weekday_at
from matching.matches.services import match_accept, match_ask

pytestmark = pytest.mark.django_db

MONDAY_10 = next_weekday_at(10, weekday=0)


@pytest.fixture
def coordinator(django_user_model):
    return django_user_model.objects.create_user(username="k", email="k@beispiel.de", is_staff=True)


def accepted_match(coordinator, *, language: str = "de", kind: int = OfficeKind.JOBCENTER):
    office = make_office()
    if office.kind != kind:
        office.kind = kind
        office.save()
    volunteer = make_volunteer(number=1, office_kinds=(1 << 9) - 1)
    escort_request = make_request(office=office, starts_at=MONDAY_10, first_name="Erika", language=language)
    match = match_ask(escort_request=escort_request, volunteer=volunteer, actor=coordinator)
    return match_accept(match=match)


# --- the flyer ----------------------------------------------------------------------------------------


def test_the_flyer_says_the_purpose_in_three_sentences_with_qr_code_and_phone(client):
    content = client.get("/flyer/").content.decode()
    purpose = re.search(r'<ol class="purpose">(.*?)</ol>', content, re.S).group(1)
    assert purpose.count("<li>") == 3
    assert "Mitläufer findet eine Person, die Sie zu Ihrem Termin beim Amt begleitet." in purpose
    assert "<svg" in content
    assert f"<title>{settings.SITE_URL}/anfrage/</title>" in content
    assert settings.COORDINATOR_PHONE in content
    assert 'class="a4"' in content


def test_the_qr_code_encodes_the_request_form(client):
    import segno

    content = client.get("/flyer/").content.decode()
    expected = segno.make(settings.SITE_URL + "/anfrage/", error="m").svg_inline(
        scale=4, border=2, dark="#000", title=settings.SITE_URL + "/anfrage/"
    )
    assert expected in content


def test_the_flyer_prints_as_a5_and_in_every_offered_language(client):
    assert 'class="a5"' in client.get("/flyer/?format=a5").content.decode()
    for code, _name in settings.LANGUAGES:
        content = client.get(f"/flyer/?sprache={code}").content.decode()
        assert f'<html lang="{code}"' in content
    english = client.get("/flyer/?sprache=en").content.decode()
    assert "Mitläufer finds someone to go with you to your appointment at the office." in english


def test_an_unknown_language_or_format_falls_back_to_german_a4(client):
    response = client.get("/flyer/?sprache=xx&format=a0")
    assert response.status_code == 200
    content = response.content.decode()
    assert '<html lang="de"' in content
    assert 'class="a4"' in content


# --- "Hinweis für das Amt" -----------------------------------------------------------------------------------


def test_the_notice_names_office_date_time_companion_and_the_law(client, coordinator):
    match = accepted_match(coordinator)
    content = client.get(f"/einsatz/{match.token}/hinweis-fuer-das-amt/").content.decode()
    assert match.request.office.name in content
    assert MONDAY_10.strftime("%d.%m.%Y") in content
    assert "10:00 Uhr" in content
    assert match.volunteer.display_name in content
    assert "§ 13 Absatz 4 SGB X" in content
    assert "§ 13 Absatz 5 SGB X" in content
    assert "§ 13 Absatz 6 SGB X" in content
    assert "§ 13 Absatz 7 SGB X" in content
    assert "nicht verbieten" not in content
    assert content.count('class="sheet notice"') == 1


def test_the_notice_is_reachable_from_the_escort_page_and_the_status_page(client, coordinator):
    match = accepted_match(coordinator)
    assert f"/einsatz/{match.token}/hinweis-fuer-das-amt/" in client.get(f"/einsatz/{match.token}/").content.decode()
    status = client.get(f"/anfrage/{match.request.token}/").content.decode()
    assert f"/anfrage/{match.request.token}/hinweis-fuer-das-amt/" in status
    person = client.get(f"/anfrage/{match.request.token}/hinweis-fuer-das-amt/")
    assert person.status_code == 200
    assert match.volunteer.display_name in person.content.decode()
    # "zurück" leads to the page the notice was opened from.
    assert f'href="/anfrage/{match.request.token}/"' in person.content.decode()
    volunteer_notice = client.get(f"/einsatz/{match.token}/hinweis-fuer-das-amt/").content.decode()
    assert f'href="/einsatz/{match.token}/"' in volunteer_notice


def test_the_notice_comes_in_german_and_the_persons_language(client, coordinator):
    match = accepted_match(coordinator, language="en")
    content = client.get(f"/anfrage/{match.request.token}/hinweis-fuer-das-amt/").content.decode()
    assert 'id="notice-de"' in content
    assert 'id="notice-en"' in content
    german = content[content.index('id="notice-de"') : content.index('id="notice-en"')]
    english = content[content.index('id="notice-en"') :]
    assert "Hinweis für das Amt: Ich komme mit einem Beistand" in german
    assert "Notice for the office: I am bringing a Beistand" in english


def test_the_notice_for_the_immigration_office_names_the_administrative_procedure_act(client, coordinator):
    match = accepted_match(coordinator, kind=OfficeKind.IMMIGRATION)
    content = client.get(f"/einsatz/{match.token}/hinweis-fuer-das-amt/").content.decode()
    assert "§ 14 VwVfG" in content


def test_there_is_no_notice_without_a_companion(client):
    escort_request = make_request(office=make_office(), starts_at=MONDAY_10)
    assert client.get(f"/anfrage/{escort_request.token}/hinweis-fuer-das-amt/").status_code == 404
    assert client.get("/einsatz/" + "x" * 43 + "/hinweis-fuer-das-amt/").status_code == 404


@override_settings(LANGUAGES=[("de", "Deutsch"), ("en", "Englisch")])
def test_a_person_language_the_site_does_not_offer_gives_the_german_page_only(client, coordinator):
    match = accepted_match(coordinator, language="tr")
    content = client.get(f"/anfrage/{match.request.token}/hinweis-fuer-das-amt/").content.decode()
    assert content.count('class="sheet notice"') == 1
