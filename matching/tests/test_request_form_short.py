"""The short request form: required fields marked, optional parts collapsed, the error summary in page order."""

import re

import pytest
from bs4 import BeautifulSoup

from matching.models import AccompanimentRequest
from matching.requests.tests.helpers import form_data, office

pytestmark = pytest.mark.django_db

URL = "/anfrage/"


def soup_of(response) -> BeautifulSoup:
    return BeautifulSoup(response.content.decode(), "html.parser")


def test_every_required_field_carries_a_star_and_no_optional_one_does(client):
    soup = soup_of(client.get(URL))
    starred = sorted(
        label.get("for") for label in soup.select("form label") if label.select_one(".asteriskField") is not None
    )
    assert starred == ["id_consent", "id_date", "id_email", "id_first_name", "id_office", "id_phone", "id_time"]


def test_the_optional_parts_are_closed_sections_below_the_required_ones(client):
    soup = soup_of(client.get(URL))
    sections = soup.select("form details.form-details")
    summaries = [" ".join(section.summary.get_text().split()) for section in sections]
    assert summaries == [
        "Mein Amt ist nicht dabei",
        "Mehr zum Termin (freiwillig)",
        "Sprache, Begleitung und Hilfe (freiwillig)",
        "Weitere Sprachen",
        "Brauchen Sie auch Beratung? (freiwillig)",
    ]
    assert [section.has_attr("open") for section in sections] == [False] * 5
    optional = {"duration_minutes", "purpose", "message", "languages", "preferred_gender", "counselling_services"}
    inside = {field.get("name") for section in sections for field in section.select("[name]")}
    assert optional <= inside
    assert not {"first_name", "email", "phone", "office", "date", "time", "consent"} & inside


def test_the_common_languages_come_first_and_the_others_on_demand(client):
    soup = soup_of(client.get(URL))
    common = [box.find_next("label").get_text(strip=True) for box in soup.select('input[name="languages"]')]
    assert common == ["Deutsch", "Englisch", "Arabisch", "Türkisch", "Russisch", "Ukrainisch", "Persisch (Farsi/Dari)"]
    more = soup.select('input[name="languages_more"]')
    assert len(more) == 13
    assert all(box.find_parent("details").summary.get_text(strip=True) == "Weitere Sprachen" for box in more)


def test_a_language_from_the_longer_list_reaches_the_request(client):
    data = form_data(office(), languages=["0", "2"], languages_more=["7", "19"])
    assert client.post(URL, data).status_code == 302
    assert AccompanimentRequest.objects.get().languages == (1 << 0) | (1 << 2) | (1 << 7) | (1 << 19)


def test_the_error_summary_follows_the_page_and_names_each_problem_once(client):
    data = form_data(office(), first_name="", email="", phone="", office="", date="", time="", consent=None)
    soup = soup_of(client.post(URL, data))
    items = [" ".join(item.get_text().split()) for item in soup.select("#error-summary li")]
    anchors = [link["href"] for link in soup.select("#error-summary li a")]
    assert anchors == ["#id_first_name", "#id_email", "#id_office", "#id_date", "#id_time", "#id_consent"]
    assert len(items) == len(set(items)) == 6
    assert items[1] == (
        "E-Mail: Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer an, damit wir Sie erreichen."
    )
    # Both fields still show the message next to them and are marked invalid.
    assert "is-invalid" in soup.select_one("#id_phone")["class"]
    assert re.search(r"error_1_id_phone|id_phone_error", soup.select_one("#id_phone").get("aria-describedby", ""))


def test_an_error_in_an_optional_part_opens_it(client):
    data = form_data(office(), message="x" * 600)
    soup = soup_of(client.post(URL, data))
    opened = [section.summary.get_text(strip=True) for section in soup.select("details[open]")]
    assert opened == ["Mehr zum Termin (freiwillig)"]


def test_choosing_my_office_is_missing_keeps_its_fields_open(client):
    data = form_data(office(), office="new", new_office_name="")
    soup = soup_of(client.post(URL, data))
    assert soup.select_one("#new-office").has_attr("open")
