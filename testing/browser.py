"""Helpers for the Playwright tests (fixtures ``browser`` and ``page`` are in the root conftest)."""

import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 900}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    # Without these, chromium keeps calling home and this machine's closed network refuses it.
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def new_page(browser, *, phone: bool = True):
    """A fresh context per person (nobody shares cookies), German, phone-sized unless told otherwise."""
    if phone:
        context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale="de-DE", is_mobile=True)
    else:
        context = browser.new_context(viewport=DESKTOP, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def assert_fits_a_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width}px wide on a {PHONE['width']}px phone"


AXE_BLOCKING = {"serious", "critical"}


def blocking_violations(page) -> list[str]:
    """axe-core's serious and critical findings on the page ("rule (impact): selector"); axe ships in the wheel."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{violation['id']} ({violation['impact']}): {node['target']}"
        for violation in results.response["violations"]
        if violation["impact"] in AXE_BLOCKING
        for node in violation["nodes"]
    ]


def admin_sign_in(page, base: str, *, email: str, password: str, totp_secret: str) -> None:
    """Sign in to the admin as a coordinator does: password, then the current code of their authenticator app."""
    page.goto(f"{base}/admin/")
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("form:has(input[name=password]) button[type=submit]").last.click()
    page.fill("input[name=code]", format_hotp_value(hotp_value(totp_secret, int(time.time()) // 30)))
    page.locator("form:has(input[name=code]) button[type=submit]").last.click()
    page.wait_for_url(f"{base}/admin/")
