"""A person who reads Arabic asks for a companion on a 360px phone: right to left, nothing overflows."""

from pathlib import Path

import pytest
from django.conf import settings as django_settings
from playwright.sync_api import expect

from matching.models import AccompanimentRequest, RequestStatus
from matching.requests.tests.helpers import in_days, office
from testing.browser import PHONE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(django_settings.BASE_DIR) / "test-artifacts"


def assert_fits_and_snap(page, name: str) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    inner_width = page.evaluate("window.innerWidth")
    assert inner_width == PHONE["width"]
    assert scroll_width <= inner_width, f"{name}: the page is {scroll_width}px wide on a {inner_width}px phone"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"request-ar-{name}.png"), full_page=True)


def test_a_person_asks_reschedules_and_cancels_in_arabic(page, live_server, settings, transactional_db):
    settings.SPAM_MIN_FILL_SECONDS = 0
    settings.COORDINATOR_PHONE = "0203 123 456"
    jobcenter = office()
    day = in_days(5).date()

    page.goto(f"{live_server.url}/")
    # One tap in the language bar, without opening any menu.
    page.locator(".language-bar").get_by_role("button", name="العربيّة").click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("h1")).to_have_text("يجب أن تذهب إلى دائرة حكومية؟ لست مضطرًا أن تذهب وحدك.")
    # Mirrored: the brand sits at the right edge, the menu button at the left.
    brand = page.locator(".navbar-brand").bounding_box()
    toggler = page.locator(".navbar-toggler").bounding_box()
    assert brand["x"] > toggler["x"]
    assert brand["x"] + brand["width"] > PHONE["width"] - 40
    expect(page.locator("footer").get_by_role("link", name="0203 123 456")).to_have_attribute("href", "tel:0203123456")
    assert_fits_and_snap(page, "home")

    page.locator("main").get_by_role("link", name="اطلب مرافقًا").click()
    expect(page.locator("h1")).to_have_text("اطلب مرافقًا")
    page.get_by_label("اسمك الأول").fill("أمل")
    page.locator("#id_phone").fill("0203 123456")  # its label carries the required mark: "الهاتف*"
    page.get_by_label("الرمز البريدي أو مدينة الدائرة").fill("47051")
    expect(page.locator(f'select[name="office"] option[value="{jobcenter.pk}"]')).to_have_count(1)
    page.locator('select[name="office"]').select_option(str(jobcenter.pk))
    page.get_by_label("التاريخ").fill(day.isoformat())
    page.get_by_label("الساعة").fill("10:30")
    assert_fits_and_snap(page, "form")
    # Sending without consent: the error is in Arabic too.
    page.get_by_role("button", name="أرسل الطلب").click()
    expect(page.locator("main")).to_contain_text("بدون موافقتك لا نستطيع البحث عن مرافق.")
    page.get_by_label("أوافق على أن يحفظ Mitläufer بياناتي").check()
    page.get_by_role("button", name="أرسل الطلب").click()

    expect(page.locator(".alert-success")).to_contain_text("شكرًا! وصل طلبك.")
    escort_request = AccompanimentRequest.objects.get()
    assert escort_request.language == "ar"
    assert escort_request.first_name == "أمل"
    expect(page.locator("#request-when")).to_contain_text(day.strftime("%d.%m.%Y"))
    assert_fits_and_snap(page, "status")

    page.get_by_role("link", name="تغيير الموعد").click()
    page.get_by_label("الساعة").fill("11:00")
    page.get_by_role("button", name="احفظ الموعد الجديد").click()
    expect(page.locator(".alert-success")).to_contain_text("تم حفظ موعدك الجديد.")
    expect(page.locator("#request-when")).to_contain_text("11:00")

    page.get_by_role("link", name="إلغاء الطلب").click()
    expect(page.locator("h1")).to_have_text("هل تريد إلغاء الطلب؟")
    assert_fits_and_snap(page, "cancel")
    page.get_by_role("button", name="نعم، ألغِ الطلب").click()
    expect(page.locator("#request-status")).to_contain_text("ملغى")
    assert_fits_and_snap(page, "cancelled")
    escort_request.refresh_from_db()
    assert escort_request.status == RequestStatus.CANCELLED
