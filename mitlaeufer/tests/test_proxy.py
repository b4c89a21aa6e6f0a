"""TRUSTED_PROXY_COUNT: whose address the rate limits count, and whether X-Forwarded-Proto is believed.

The settings are read when the process starts (SECURE_PROXY_SSL_HEADER depends on the
count), so each case sets both the way settings.py would.
"""

import pytest
from allauth.account.adapter import get_adapter
from django.test import RequestFactory

from core.spam import client_ip
from matching.models import AccompanimentRequest
from matching.requests.tests.helpers import form_data, office
from mitlaeufer.proxy import TrustedProxyMiddleware, forwarded_client

pytestmark = pytest.mark.django_db

PROXY = "172.18.0.5"  # Caddy's address on the compose network
CLIENT_A, CLIENT_B = "203.0.113.10", "198.51.100.20"


@pytest.fixture
def behind_one_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    return settings


@pytest.fixture
def no_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.SECURE_PROXY_SSL_HEADER = None
    return settings


def seen_by_the_app(**meta):
    """The request as the views see it, after TrustedProxyMiddleware."""
    seen = {}

    def view(request):
        seen["request"] = request
        return None

    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, **meta)
    TrustedProxyMiddleware(view)(request)
    return seen["request"]


@pytest.mark.parametrize(
    ("header", "trusted", "expected"),
    [
        ("203.0.113.10", 1, "203.0.113.10"),
        # A client's own X-Forwarded-For is kept to the left of what our proxy appends.
        ("6.6.6.6, 203.0.113.10", 1, "203.0.113.10"),
        ("6.6.6.6, 203.0.113.10, 10.0.0.2", 2, "203.0.113.10"),
        (" 2001:db8::1 ", 1, "2001:db8::1"),
        ("203.0.113.10", 2, None),  # fewer hops than proxies: the request bypassed one
        ("not-an-address", 1, None),
        ("", 1, None),
        ("203.0.113.10", 0, None),
    ],
)
def test_forwarded_client_takes_the_entry_our_outermost_proxy_wrote(header, trusted, expected):
    assert forwarded_client(header, trusted=trusted) == expected


def test_behind_a_trusted_proxy_the_forwarded_client_becomes_remote_addr_for_app_and_allauth(behind_one_proxy):
    request = seen_by_the_app(HTTP_X_FORWARDED_FOR=f"6.6.6.6, {CLIENT_A}")
    assert request.META["REMOTE_ADDR"] == CLIENT_A
    assert client_ip(request) == CLIENT_A
    assert get_adapter().get_client_ip(request) == CLIENT_A


def test_without_a_trusted_proxy_a_forged_forwarded_for_is_ignored(no_proxy):
    request = seen_by_the_app(HTTP_X_FORWARDED_FOR=CLIENT_A)
    assert client_ip(request) == PROXY
    assert get_adapter().get_client_ip(request) == PROXY


def test_a_request_that_bypassed_the_proxy_keeps_its_connecting_address(behind_one_proxy):
    assert client_ip(seen_by_the_app()) == PROXY


def test_behind_a_trusted_proxy_two_clients_have_separate_request_form_limits(client, behind_one_proxy):
    behind_one_proxy.REQUEST_RATE_LIMIT = 1
    jobcenter = office()

    def post(ip: str, hour: int):
        return client.post(
            "/anfrage/",
            form_data(jobcenter, time=f"{hour}:00"),
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=ip,
            HTTP_X_FORWARDED_PROTO="https",
        )

    assert post(CLIENT_A, 9).status_code == 302
    assert post(CLIENT_A, 10).status_code == 429
    assert post(CLIENT_B, 11).status_code == 302
    assert AccompanimentRequest.objects.count() == 2


def test_without_a_trusted_proxy_rotating_forged_addresses_does_not_escape_the_limit(client, no_proxy):
    no_proxy.REQUEST_RATE_LIMIT = 1
    jobcenter = office()
    first = client.post("/anfrage/", form_data(jobcenter, time="9:00"), HTTP_X_FORWARDED_FOR=CLIENT_A)
    second = client.post("/anfrage/", form_data(jobcenter, time="10:00"), HTTP_X_FORWARDED_FOR=CLIENT_B)
    assert (first.status_code, second.status_code) == (302, 429)
    assert AccompanimentRequest.objects.count() == 1


def test_behind_a_trusted_proxy_the_forwarded_scheme_is_believed(behind_one_proxy):
    assert seen_by_the_app(HTTP_X_FORWARDED_FOR=CLIENT_A, HTTP_X_FORWARDED_PROTO="https").is_secure()
    assert not seen_by_the_app(HTTP_X_FORWARDED_FOR=CLIENT_A, HTTP_X_FORWARDED_PROTO="http").is_secure()


def test_without_a_trusted_proxy_a_forged_forwarded_scheme_is_not_believed(no_proxy):
    assert not seen_by_the_app(HTTP_X_FORWARDED_PROTO="https").is_secure()


def test_without_a_trusted_proxy_a_forged_https_header_still_gets_redirected(client, no_proxy):
    no_proxy.SECURE_SSL_REDIRECT = True
    response = client.get("/impressum/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")


def test_behind_a_trusted_proxy_https_is_not_redirected_again(client, behind_one_proxy):
    behind_one_proxy.SECURE_SSL_REDIRECT = True
    response = client.get(
        "/impressum/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=CLIENT_A, HTTP_X_FORWARDED_PROTO="https"
    )
    assert response.status_code == 200


def test_the_settings_tie_the_scheme_header_to_the_proxy_count():
    from mitlaeufer.tests.test_project import manage

    code = "from django.conf import settings as s; print(s.TRUSTED_PROXY_COUNT, s.SECURE_PROXY_SSL_HEADER)"

    def read(count: str) -> str:
        return manage("shell", "--no-imports", "-c", code, TRUSTED_PROXY_COUNT=count).stdout.strip()

    assert read("0") == "0 None"
    assert read("1") == "1 ('HTTP_X_FORWARDED_PROTO', 'https')"
