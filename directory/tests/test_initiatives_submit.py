"""Self-submission with spam protection, publication in the admin, and the signed edit link."""

import datetime
import re
import time
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from core.bitmask import to_mask
from core.spam import form_started_token
from directory import initiative_selectors as selectors
from directory import initiative_services as services
from directory.choices import InitiativeReach, InitiativeService, InitiativeState, Language
from directory.models import Initiative
from directory.tests.initiative_factories import InitiativeFactory

pytestmark = pytest.mark.django_db

SUBMIT_URL = reverse("directory:initiative_submit")


def submission(**overrides) -> dict:
    data = {
        "name": "Erwerbslosentreff Ruhrort",
        "description": "Wir helfen bei Bescheiden vom Jobcenter.",
        "services": [str(InitiativeService.UNEMPLOYED_SELF_HELP), str(InitiativeService.ESCORT)],
        "languages": [str(Language.GERMAN), str(Language.TURKISH)],
        "reach": InitiativeReach.LOCAL,
        "street": "Hafenstraße 1",
        "postal_code": "47119",
        "city": "Duisburg",
        "radius_km": "15",
        "website": "https://ruhrort.example",
        "email": "",
        "phone": "0203 000000",
        "opening_hours": "Mo 10–12 Uhr",
        "accessibility": "",
        "contact_email": "kontakt@ruhrort.example",
        "form_started": form_started_token(at=time.time() - 60),
        "hp_contact": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def edit_url(initiative: Initiative, token: str | None = None) -> str:
    token = token or selectors.edit_token_make(initiative=initiative)
    return reverse("directory:initiative_edit", kwargs={"slug": initiative.slug, "token": token})


def test_an_initiative_can_propose_itself(client, settings, django_capture_on_commit_callbacks):
    settings.COORDINATOR_EMAILS = ["koordination@mitlaeufer.example"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(SUBMIT_URL, submission())

    assert response.status_code == 302
    assert response["Location"] == reverse("directory:initiative_submitted")
    initiative = Initiative.objects.get()
    assert initiative.state == InitiativeState.SUBMITTED
    assert initiative.slug == "erwerbslosentreff-ruhrort"
    assert initiative.services == to_mask([InitiativeService.UNEMPLOYED_SELF_HELP, InitiativeService.ESCORT])
    assert initiative.latitude is not None
    assert [message.to for message in mail.outbox] == [["koordination@mitlaeufer.example"]]
    assert f"/admin/directory/initiative/{initiative.pk}/change/" in mail.outbox[0].body


def test_a_proposed_initiative_is_not_public_yet(client):
    client.post(SUBMIT_URL, submission())

    initiative = Initiative.objects.get()
    assert client.get(reverse("directory:initiative_detail", kwargs={"slug": initiative.slug})).status_code == 404
    assert client.get(reverse("directory:initiative_list")).context["page"].paginator.count == 0


def test_an_online_initiative_needs_no_address(client):
    response = client.post(
        SUBMIT_URL,
        submission(reach=InitiativeReach.ONLINE, street="", postal_code="", city="", radius_km=""),
    )

    assert response.status_code == 302
    assert Initiative.objects.get().postal_code is None


def test_a_local_initiative_needs_a_postal_code_and_radius(client):
    response = client.post(SUBMIT_URL, submission(postal_code="", radius_km=""))

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"postal_code", "radius_km"}
    assert not Initiative.objects.exists()


def test_it_rejects_an_unknown_postal_code(client):
    response = client.post(SUBMIT_URL, submission(postal_code="00000"))

    assert response.context["form"].errors["postal_code"] == ["Diese Postleitzahl kennen wir nicht."]


def test_it_rejects_a_phone_number_that_is_not_one(client):
    response = client.post(SUBMIT_URL, submission(phone="Mo–Fr erreichbar"))

    assert response.context["form"].errors["phone"] == [
        "Diese Telefonnummer stimmt nicht. Bitte geben Sie sie mit Vorwahl ein, zum Beispiel 0203 123456 oder "
        "+49 203 123456."
    ]


def test_it_stores_the_phone_number_readably(client):
    client.post(SUBMIT_URL, submission(phone="+49 (203) 000000"))

    assert Initiative.objects.get().phone == "0203 000000"


def test_it_needs_a_service(client):
    response = client.post(SUBMIT_URL, submission(services=[]))

    assert response.context["form"].errors["services"] == ["Bitte wählen Sie mindestens ein Angebot."]


def test_slugs_are_made_unique(client):
    InitiativeFactory(name="Erwerbslosentreff Ruhrort", slug="erwerbslosentreff-ruhrort")

    client.post(SUBMIT_URL, submission())

    assert Initiative.objects.filter(state=InitiativeState.SUBMITTED).get().slug == "erwerbslosentreff-ruhrort-2"


def test_a_slug_never_shadows_the_submission_page():
    assert services.initiative_slug_unique(name="Eintragen") == "eintragen-2"


def test_the_honeypot_stops_bots(client):
    response = client.post(SUBMIT_URL, submission(hp_contact="http://spam.example"))

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Initiative.objects.exists()


def test_a_too_fast_submission_is_refused(client):
    response = client.post(SUBMIT_URL, submission(form_started=form_started_token()))

    assert "Das ging sehr schnell" in response.content.decode()
    assert not Initiative.objects.exists()


@pytest.mark.parametrize("token", ["", "12345", "abc:def:ghi"])
def test_a_missing_or_forged_start_time_is_refused(client, token):
    response = client.post(SUBMIT_URL, submission(form_started=token))

    assert response.status_code == 200
    assert not Initiative.objects.exists()
    # The form comes back with a fresh, valid start time.
    fresh = response.context["form"].data["form_started"]
    assert isinstance(signing.loads(fresh, salt="core.spam.form-started"), int)


def test_a_start_time_from_yesterday_is_refused(client):
    response = client.post(SUBMIT_URL, submission(form_started=form_started_token(at=time.time() - 2 * 86400)))

    assert "sehr lange offen" in response.content.decode()
    assert not Initiative.objects.exists()


def test_it_limits_submissions_per_ip(client, settings):
    settings.INITIATIVE_SUBMIT_RATE_PER_HOUR = 2
    for number in range(2):
        assert client.post(SUBMIT_URL, submission(name=f"Initiative {number}")).status_code == 302

    response = client.post(SUBMIT_URL, submission(name="Initiative 3"))

    assert response.status_code == 429
    assert Initiative.objects.count() == 2
    # Another address is not affected.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert other.post(SUBMIT_URL, submission(name="Initiative 4")).status_code == 302


def test_it_needs_a_csrf_token():
    client = Client(enforce_csrf_checks=True)

    response = client.post(SUBMIT_URL, submission())

    assert response.status_code == 403
    assert not Initiative.objects.exists()


def test_the_form_renders_the_spam_fields(client):
    content = client.get(SUBMIT_URL).content.decode()

    assert 'name="form_started"' in content
    assert re.search(r'<div[^>]*class="d-none"[^>]*aria-hidden="true"', content)
    assert "csrfmiddlewaretoken" in content


# --- Publication and the edit link ----------------------------------------------------


def publish_in_admin(admin_client, initiative: Initiative, captured):
    with captured(execute=True):
        return admin_client.post(
            reverse("admin:directory_initiative_changelist"),
            {"action": "publish", "_selected_action": [initiative.pk]},
        )


def link_from(message) -> str:
    return re.search(r"https?://\S+/bearbeiten/\S+/", message.body).group(0)


def test_publishing_mails_the_contact_a_working_link(admin_client, client, django_capture_on_commit_callbacks):
    initiative = InitiativeFactory(state=InitiativeState.SUBMITTED, published_at=None, last_confirmed_at=None)

    publish_in_admin(admin_client, initiative, django_capture_on_commit_callbacks)

    initiative.refresh_from_db()
    assert initiative.state == InitiativeState.PUBLISHED
    assert initiative.published_at is not None
    assert initiative.last_confirmed_at is not None
    assert [message.to for message in mail.outbox] == [[initiative.contact_email]]
    link = link_from(mail.outbox[0])
    response = client.get(urlsplit(link).path)
    assert response.status_code == 200
    assert initiative.name in response.content.decode()


def test_publishing_twice_sends_one_mail(admin_client, django_capture_on_commit_callbacks):
    initiative = InitiativeFactory(state=InitiativeState.SUBMITTED)

    publish_in_admin(admin_client, initiative, django_capture_on_commit_callbacks)
    publish_in_admin(admin_client, initiative, django_capture_on_commit_callbacks)

    assert len(mail.outbox) == 1


def test_opening_the_link_changes_nothing(client):
    initiative = InitiativeFactory(last_confirmed_at=timezone.now() - datetime.timedelta(days=400))
    before = Initiative.objects.values().get(pk=initiative.pk)

    client.get(edit_url(initiative))

    assert Initiative.objects.values().get(pk=initiative.pk) == before


def test_the_contact_can_confirm_the_entry(client):
    old = timezone.now() - datetime.timedelta(days=400)
    initiative = InitiativeFactory(last_confirmed_at=old)

    response = client.post(edit_url(initiative), {"confirm": "1"})

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.last_confirmed_at > old
    assert "Danke! Ihr Eintrag ist bestätigt." in client.get(response["Location"]).content.decode()


def test_the_contact_can_correct_the_entry(client):
    initiative = InitiativeFactory(last_confirmed_at=timezone.now() - datetime.timedelta(days=400))
    data = submission(name="Neuer Name", postal_code="47051", opening_hours="Fr 9–12 Uhr")
    data.pop("form_started"), data.pop("hp_contact")

    response = client.post(edit_url(initiative), data)

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert (initiative.name, initiative.opening_hours, initiative.postal_code_id) == (
        "Neuer Name",
        "Fr 9–12 Uhr",
        "47051",
    )
    assert initiative.state == InitiativeState.PUBLISHED
    assert timezone.now() - initiative.last_confirmed_at < datetime.timedelta(minutes=1)


def test_an_invalid_correction_saves_nothing(client):
    initiative = InitiativeFactory(name="Alter Name")
    data = submission(name="", postal_code="99999")

    response = client.post(edit_url(initiative), data)

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "postal_code"}
    initiative.refresh_from_db()
    assert initiative.name == "Alter Name"


@pytest.mark.parametrize(
    "token",
    [
        "kaputt",
        "eyJpIjoxfQ:1tXyZa:abcdefghijklmnopqrstuvwxyz0123456789ABCDE",
        signing.dumps({"i": 1, "v": 1}, salt="another.salt"),
    ],
    ids=["garbage", "forged", "other-salt"],
)
def test_a_forged_link_gives_a_404_page(client, token):
    initiative = InitiativeFactory()

    response = client.get(edit_url(initiative, token))

    assert response.status_code == 404
    assert "Dieser Link gilt nicht" in response.content.decode()


def test_a_tampered_link_gives_a_404_page(client):
    initiative = InitiativeFactory()
    other = InitiativeFactory()
    token = selectors.edit_token_make(initiative=initiative)
    payload, rest = token.split(":", 1)
    tampered = signing.b64_encode(b'{"i":%d,"v":1}' % other.pk).decode() + ":" + rest

    for url in (edit_url(other, tampered), edit_url(other, token), edit_url(initiative, token[:-2] + "xx")):
        assert client.get(url).status_code == 404
        assert client.post(url, {"confirm": "1"}).status_code == 404


class PastSigner(signing.TimestampSigner):
    """Signs as if it were ``days`` ago, to make a genuine but expired link."""

    def __init__(self, *args, days: int, **kwargs):
        self.days = days
        super().__init__(*args, **kwargs)

    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - self.days * 86400)


def test_an_expired_link_says_so(client, settings):
    settings.INITIATIVE_EDIT_LINK_DAYS = 30
    initiative = InitiativeFactory()
    token = PastSigner(salt=selectors.EDIT_LINK_SALT, days=31).sign_object(
        {"i": initiative.pk, "v": initiative.link_version}, compress=True
    )
    before = initiative.last_confirmed_at

    get = client.get(edit_url(initiative, token))
    post = client.post(edit_url(initiative, token), {"confirm": "1"})

    assert get.status_code == post.status_code == 410
    assert "Link abgelaufen" in get.content.decode()
    initiative.refresh_from_db()
    assert initiative.last_confirmed_at == before


def test_a_link_still_inside_its_time_works(client, settings):
    settings.INITIATIVE_EDIT_LINK_DAYS = 30
    initiative = InitiativeFactory()
    token = PastSigner(salt=selectors.EDIT_LINK_SALT, days=29).sign_object(
        {"i": initiative.pk, "v": initiative.link_version}, compress=True
    )

    assert client.get(edit_url(initiative, token)).status_code == 200


def test_archiving_revokes_every_link(client, admin_client):
    initiative = InitiativeFactory()
    url = edit_url(initiative)

    admin_client.post(
        reverse("admin:directory_initiative_changelist"), {"action": "archive", "_selected_action": [initiative.pk]}
    )

    initiative.refresh_from_db()
    assert initiative.state == InitiativeState.ARCHIVED
    assert client.get(url).status_code == 404
    # Published again, the old link stays dead; the new mail brings a new one.
    services.initiative_publish(initiative=initiative)
    assert client.get(url).status_code == 404
    assert client.get(edit_url(initiative)).status_code == 200


def test_a_link_only_works_for_its_own_slug(client):
    initiative = InitiativeFactory()
    other = InitiativeFactory()
    token = selectors.edit_token_make(initiative=initiative)

    response = client.get(reverse("directory:initiative_edit", kwargs={"slug": other.slug, "token": token}))

    assert response.status_code == 404


def test_the_edit_page_is_not_indexed_or_cached(client):
    response = client.get(edit_url(InitiativeFactory()))

    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


def test_the_coordinator_can_resend_the_link(admin_client, django_capture_on_commit_callbacks):
    initiative = InitiativeFactory()
    submitted = InitiativeFactory(state=InitiativeState.SUBMITTED)

    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            reverse("admin:directory_initiative_changelist"),
            {"action": "resend_edit_link", "_selected_action": [initiative.pk, submitted.pk]},
        )

    assert [message.to for message in mail.outbox] == [[initiative.contact_email]]


def test_mails_to_an_initiative_speak_the_language_it_signed_up_in(django_capture_on_commit_callbacks):
    from django.utils import translation

    with translation.override("en"):
        submitted = InitiativeFactory.build(state=InitiativeState.SUBMITTED)
        fields = {
            name: getattr(submitted, name)
            for name in ("name", "description", "services", "languages", "contact_email", "website")
        }
        fields["reach"] = InitiativeReach.NATIONWIDE
        with django_capture_on_commit_callbacks(execute=True):
            initiative = services.initiative_submit(**fields)
    assert initiative.contact_language == "en"
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.initiative_publish(initiative=initiative)
    assert [m.subject for m in mail.outbox] == ["[Mitläufer] Your entry is online"]
