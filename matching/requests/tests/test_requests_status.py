import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone

from matching.models import AccompanimentRequest, RequestStatus
from matching.requests.tests.helpers import in_days, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def escort_request():
    return make_request(first_name="Ayşe", phone="0203 123456")


def url(token: str, suffix: str = "") -> str:
    return f"/anfrage/{token}/{suffix}"


def test_the_status_page_shows_the_state_office_and_time(client, escort_request):
    response = client.get(url(escort_request.token))
    content = response.content.decode()
    assert response.status_code == 200
    assert escort_request.get_status_display() in content
    assert "Jobcenter Duisburg Mitte" in content
    assert in_days(3).strftime("%d.%m.%Y") in content
    assert "10:00 Uhr" in content


@pytest.mark.parametrize(
    "status, words",
    [
        (RequestStatus.RECEIVED, "eingegangen"),
        (RequestStatus.SEARCHING, "wir suchen eine Begleitung"),
        (RequestStatus.CONFIRMED, "Begleitung gefunden"),
        (RequestStatus.CANCELLED, "abgesagt"),
        (RequestStatus.DONE, "hat stattgefunden"),
    ],
)
def test_the_state_is_in_plain_words(client, escort_request, status, words):
    AccompanimentRequest.objects.filter(pk=escort_request.pk).update(status=status)
    assert f"<strong>{words}</strong>" in client.get(url(escort_request.token)).content.decode()


def test_token_pages_are_noindex_and_send_no_referrer(client, escort_request):
    for suffix in ("", "absagen/", "aendern/"):
        response = client.get(url(escort_request.token, suffix))
        assert response.status_code == 200
        assert response["X-Robots-Tag"] == "noindex, nofollow"
        assert response["Referrer-Policy"] == "strict-origin"
        assert "no-store" in response["Cache-Control"]
        assert '<meta name="robots" content="noindex, nofollow">' in response.content.decode()


def _variants(token: str) -> list[str]:
    last = token[-1]
    incremented = token[:-1] + ("B" if last == "A" else "A")
    return [token[:-1], token[:20], incremented, token.upper() if token.upper() != token else token.lower(), "x" * 43]


def _page(response, path: str) -> str:
    # The language switcher echoes the path the visitor typed, and CSRF tokens are masked afresh
    # on every response; everything else must be identical.
    content = response.content.decode().replace(path, "PATH")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", content)


def test_wrong_truncated_and_incremented_tokens_give_the_same_404(client, escort_request):
    unknown = client.get(url("A" * 43))
    assert unknown.status_code == 404
    expected = _page(unknown, url("A" * 43))
    assert "Diese Anfrage finden wir nicht" in expected
    for token in _variants(escort_request.token):
        for suffix in ("", "absagen/", "aendern/"):
            response = client.get(url(token, suffix))
            assert response.status_code == 404
            assert _page(response, url(token, suffix)) == expected
            assert response["X-Robots-Tag"] == "noindex, nofollow"
            assert response["Referrer-Policy"] == "strict-origin"


def test_a_wrong_token_cannot_cancel(client, escort_request):
    response = client.post(url(escort_request.token[:-1] + "!", "absagen/"))
    assert response.status_code == 404
    escort_request.refresh_from_db()
    assert escort_request.status != RequestStatus.CANCELLED


def test_cancelling_asks_first_and_then_cancels_with_a_post(client, escort_request, django_capture_on_commit_callbacks):
    page = client.get(url(escort_request.token, "absagen/"))
    assert "Ja, Anfrage absagen" in page.content.decode()
    escort_request.refresh_from_db()
    assert escort_request.is_open
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(escort_request.token, "absagen/"))
    assert response.status_code == 302
    escort_request.refresh_from_db()
    assert escort_request.status == RequestStatus.CANCELLED
    assert escort_request.cancelled_at is not None
    status_page = client.get(url(escort_request.token)).content.decode()
    assert "Ihre Anfrage ist abgesagt" in status_page
    assert "Anfrage absagen</a>" not in status_page
    assert [m.to for m in mail.outbox if m.to] == [["ayse@beispiel.de"]]


def test_cancelling_twice_changes_nothing(client, escort_request):
    client.post(url(escort_request.token, "absagen/"))
    escort_request.refresh_from_db()
    first = escort_request.cancelled_at
    response = client.post(url(escort_request.token, "absagen/"))
    assert response.status_code == 302
    escort_request.refresh_from_db()
    assert escort_request.cancelled_at == first


def test_changing_the_time_saves_and_searches_again(client, escort_request, django_capture_on_commit_callbacks):
    AccompanimentRequest.objects.filter(pk=escort_request.pk).update(
        status=RequestStatus.CONFIRMED, proposals_run_at=timezone.now()
    )
    new = in_days(6, 14, 30)
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            url(escort_request.token, "aendern/"),
            {"date": new.date().isoformat(), "time": "14:30", "duration_minutes": "120"},
        )
    assert response.status_code == 302
    escort_request.refresh_from_db()
    assert escort_request.starts_at == new
    assert escort_request.duration_minutes == 120
    assert escort_request.ends_at == new + datetime.timedelta(minutes=120)
    assert escort_request.status == RequestStatus.SEARCHING
    assert escort_request.proposals_run_at is None
    assert len(callbacks) == 2  # the proposal run and the notices


def test_changing_the_time_has_the_same_rules(client, escort_request):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    response = client.post(url(escort_request.token, "aendern/"), {"date": yesterday.isoformat(), "time": "10:00"})
    assert response.status_code == 200
    assert response.context["form"].errors["date"] == ["Dieser Termin liegt in der Vergangenheit."]
    far = timezone.localdate() + datetime.timedelta(days=120)
    response = client.post(url(escort_request.token, "aendern/"), {"date": far.isoformat(), "time": "10:00"})
    assert response.context["form"].errors["date"] == [
        "Wir planen höchstens 90 Tage im Voraus. Bitte fragen Sie später noch einmal."
    ]
    escort_request.refresh_from_db()
    assert escort_request.starts_at == in_days(3)


def test_a_cancelled_request_cannot_be_moved(client, escort_request):
    client.post(url(escort_request.token, "absagen/"))
    response = client.post(
        url(escort_request.token, "aendern/"), {"date": in_days(8).date().isoformat(), "time": "9:00"}
    )
    assert response.status_code == 302
    escort_request.refresh_from_db()
    assert escort_request.starts_at == in_days(3)


def test_script_in_every_text_field_comes_back_escaped_on_the_status_page_and_in_mails(
    client, django_capture_on_commit_callbacks, settings
):
    settings.COORDINATOR_EMAILS = ["team@mitlaeufer.example"]
    script = "<script>alert(1)</script>"
    from matching.requests.tests.helpers import office

    evil_office = office(name=f"Amt {script}", street=script, city=script)
    with django_capture_on_commit_callbacks(execute=True):
        escort_request = make_request(
            the_office=evil_office, first_name=script[:50], accessibility=script, message=script, phone="0203 1"
        )
    content = client.get(url(escort_request.token)).content.decode()
    assert script not in content
    assert content.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 4
    assert mail.outbox
    # Mails are text/plain only: no HTML part exists that could run or render the text, and the
    # person's words arrive as they wrote them (HTML-escaping a text body only garbles it).
    for message in mail.outbox:
        assert message.content_subtype == "plain" and not getattr(message, "alternatives", [])
        assert "&lt;" not in message.body
    assert script in mail.outbox[0].body


def test_the_token_has_at_least_128_bits_and_is_unique():
    first, second = make_request(), make_request(starts_at=in_days(4))
    assert len(first.token) >= 22  # 22 URL-safe base64 characters are 132 bits
    assert len(first.token) == 43
    assert first.token != second.token


def test_names_with_apostrophes_and_ampersands_arrive_unchanged_in_mails(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_request(first_name="Ann O'Neil & Co")
    assert "Ann O'Neil & Co" in mail.outbox[0].body
