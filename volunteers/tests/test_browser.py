"""A new volunteer on a phone: sign up, confirm the mailed link, edit the profile."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from playwright.sync_api import expect

from testing.browser import PHONE
from volunteers.models import Volunteer
from volunteers.tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def assert_no_horizontal_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


def test_a_new_volunteer_signs_up_on_a_phone_confirms_and_edits_the_profile(page, live_server, transactional_db):
    page.goto(f"{live_server.url}/mitmachen/")
    expect(page.locator("h1")).to_have_text("Mitmachen: Ich möchte begleiten")
    assert_no_horizontal_scroll(page)

    page.get_by_label("E-Mail-Adresse").fill("mara@beispiel.de")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_label("Vorname oder Spitzname").fill("Mara")
    page.get_by_label("Postleitzahl").fill("47051")
    page.get_by_label("So weit fahre ich (km)").fill("12")
    page.get_by_label("Dienstag, vormittags (8–12 Uhr)").check()
    page.get_by_label("Samstag, nachmittags (16–20 Uhr)").check()
    page.get_by_label("Arabisch").check()
    page.get_by_label("Ausländerbehörde").check()
    page.get_by_label("Telefon (freiwillig)").fill("0203 987654")
    page.get_by_label("Ich bin einverstanden").check()
    shot(page, "01-signup-filled")
    page.get_by_role("button", name="Eintragen").click()

    page.wait_for_url(re.compile(r"/konto/confirm-email/$"))
    shot(page, "02-verification-sent")
    assert_no_horizontal_scroll(page)
    (message,) = mail.outbox
    link = re.search(r"https?://\S+/konto/confirm-email/\S+/", message.body).group(0)
    page.goto(link)
    shot(page, "03-confirm")
    page.get_by_role("button", name=re.compile("Bestätigen", re.IGNORECASE)).click()

    page.wait_for_url(re.compile(r"/profil/$"))
    expect(page.locator("h1")).to_have_text("Hallo Mara!")
    expect(page.locator("#profile-data")).to_contain_text("mara@beispiel.de")
    expect(page.locator("#profile-data")).to_contain_text("12 km")
    expect(page.locator("#profile-data")).to_contain_text("Deutsch, Arabisch")
    shot(page, "04-profile")
    assert_no_horizontal_scroll(page)

    page.get_by_role("link", name="Angaben ändern").click()
    page.wait_for_url(re.compile(r"/profil/bearbeiten/$"))
    expect(page.get_by_label("Dienstag, vormittags (8–12 Uhr)")).to_be_checked()
    page.get_by_label("Vorname oder Spitzname").fill("Mara K.")
    page.get_by_label("So weit fahre ich (km)").fill("30")
    page.get_by_label("Mittwoch, mittags (12–16 Uhr)").check()
    page.get_by_label("Geschlecht (freiwillig)").select_option("f")
    shot(page, "05-profile-edit")
    page.get_by_role("button", name="Speichern").click()

    page.wait_for_url(re.compile(r"/profil/$"))
    expect(page.locator(".alert-success").first).to_contain_text("Ihre Angaben sind gespeichert.")
    expect(page.locator("h1")).to_have_text("Hallo Mara K.!")
    expect(page.locator("#profile-data")).to_contain_text("30 km")
    expect(page.locator("#profile-data")).to_contain_text("Frau")
    shot(page, "06-profile-saved")
    assert_no_horizontal_scroll(page)

    volunteer = Volunteer.objects.get(user__email="mara@beispiel.de")
    assert (volunteer.display_name, volunteer.radius_km, volunteer.gender) == ("Mara K.", 30, "f")
    assert volunteer.is_available(2, 1)


def test_form_errors_show_next_to_their_field_on_a_phone(page, live_server, transactional_db):
    page.goto(f"{live_server.url}/mitmachen/")
    page.get_by_label("E-Mail-Adresse").fill("nils@beispiel.de")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.get_by_label("Vorname oder Spitzname").fill("Nils")
    page.get_by_label("Postleitzahl").fill("00000")
    page.get_by_label("Ich bin einverstanden").check()
    page.get_by_role("button", name="Eintragen").click()

    expect(page.locator("#div_id_postal_code")).to_contain_text("Diese Postleitzahl kennen wir nicht.")
    expect(page.locator("#div_id_availability")).to_contain_text("Bitte kreuzen Sie mindestens eine Zeit an.")
    expect(page.get_by_label("Vorname oder Spitzname")).to_have_value("Nils")
    shot(page, "07-signup-errors")
    assert_no_horizontal_scroll(page)
    assert Volunteer.objects.count() == 0
