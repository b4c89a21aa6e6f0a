import datetime
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from core.models import OutgoingMail
from core.outbox import outbox_send
from matching.engine.proposals import proposals_refresh
from matching.engine.tests.helpers import make_office, make_request, make_volunteer, next_weekday_at
from matching.matches.mails import match_mail_feedback_request, match_mail_invitation, match_mail_reminder
from matching.matches.selectors import matches_due_for_feedback, matches_due_for_reminder
from matching.matches.services import MatchError, match_accept, match_ask, match_record_outcome
from matching.models import Match, MatchEvent, MatchStatus, Outcome, Proposal, RequestStatus
from testing.race import race

pytestmark = pytest.mark.django_db

MONDAY_10 = next_weekday_at(10, weekday=0)


@pytest.fixture
def coordinator(django_user_model):
    return django_user_model.objects.create_user(
        username="koordination", email="koordination@beispiel.de", password="pw", is_staff=True, is_superuser=True
    )


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


@pytest.fixture
def world():
    office = make_office()
    near = make_volunteer(number=1)
    other = make_volunteer(number=2, code="47057", radius_km=20)
    escort_request = make_request(office=office, starts_at=MONDAY_10, phone="0203 4711", preferred_contact="phone")
    proposals_refresh(request_id=escort_request.pk)
    return office, escort_request, near, other


def link_in(message) -> str:
    return re.search(r"https?://\S+/einsatz/[A-Za-z0-9_-]+/", message.body).group(0)


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def ask(coordinator_client, request, volunteer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return coordinator_client.post(reverse("admin:matching_request_ask", args=[request.pk, volunteer.pk]))


def test_the_request_admin_page_shows_the_ranked_candidates_with_ask_buttons(coordinator_client, world):
    _office, escort_request, near, other = world
    page = coordinator_client.get(reverse("admin:matching_accompanimentrequest_change", args=[escort_request.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.index(near.display_name) < html.index(other.display_name)
    assert "0,0 km entfernt, fährt bis 15 km" in html
    assert html.count("ask-button") == 2


def test_asking_creates_an_asked_match_and_mails_a_secret_link(
    coordinator_client, coordinator, world, django_capture_on_commit_callbacks
):
    _office, escort_request, near, _other = world
    response = ask(coordinator_client, escort_request, near, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    match = Match.objects.get()
    assert (match.status, match.volunteer, match.starts_at) == (MatchStatus.ASKED, near, escort_request.starts_at)
    assert list(match.events.values_list("kind", "actor", "actor_role")) == [("asked", coordinator.pk, "coordinator")]
    invitation = mail.outbox[-1]
    assert invitation.to == [near.user.email]
    assert link_in(invitation).endswith(f"/einsatz/{match.token}/")
    # The invitation holds no contact data of the person.
    assert "0203 4711" not in invitation.body and "ayse@beispiel.de" not in invitation.body
    assert not Proposal.objects.filter(request=escort_request, volunteer=near).exists()


def test_asking_by_get_changes_nothing(coordinator_client, world):
    _office, escort_request, near, _other = world
    response = coordinator_client.get(reverse("admin:matching_request_ask", args=[escort_request.pk, near.pk]))
    assert response.status_code == 403
    assert not Match.objects.exists()


def test_opening_the_link_by_get_changes_nothing_and_shows_no_contact_data(client, coordinator, world):
    _office, escort_request, near, _other = world
    match = match_ask(escort_request=escort_request, volunteer=near, actor=coordinator)
    page = client.get(reverse("einsatz:match", args=[match.token]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Ayşe" in html and "Jobcenter" in html
    assert "0203 4711" not in html
    assert page["X-Robots-Tag"].startswith("noindex")
    match.refresh_from_db()
    assert match.status == MatchStatus.ASKED


def test_accepting_confirms_the_request_and_tells_both_sides(
    client, coordinator, world, django_capture_on_commit_callbacks
):
    _office, escort_request, near, other = world
    escort_request.email = "ayse@beispiel.de"
    escort_request.save()
    match = match_ask(escort_request=escort_request, volunteer=near, actor=coordinator)
    second = match_ask(escort_request=escort_request, volunteer=other, actor=coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("einsatz:match", args=[match.token]), {"action": "accept"})
    assert response.status_code == 302
    match.refresh_from_db()
    second.refresh_from_db()
    escort_request.refresh_from_db()
    assert (match.status, second.status, escort_request.status) == ("accepted", "cancelled", RequestStatus.CONFIRMED)
    by_recipient = {message.to[0]: message for message in mail.outbox}
    to_volunteer = by_recipient[near.user.email]
    assert "0203 4711" in to_volunteer.body
    assert to_volunteer.attachments[0][0] == "termin.ics"
    assert "BEGIN:VEVENT" in to_volunteer.attachments[0][1]
    assert near.display_name in by_recipient["ayse@beispiel.de"].body
    assert other.user.email in by_recipient  # told they are no longer needed
    # The volunteer's page now shows the contact, the person's status page the companion.
    assert "0203 4711" in client.get(reverse("einsatz:match", args=[match.token])).content.decode()
    status = client.get(reverse("matching:status", args=[escort_request.token])).content.decode()
    assert near.display_name in status and "ruft Sie vorher an" in status


def test_declining_notifies_coordinators_and_offers_the_next_candidates(
    client, coordinator, world, django_capture_on_commit_callbacks
):
    _office, escort_request, near, other = world
    match = match_ask(escort_request=escort_request, volunteer=near, actor=coordinator)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("einsatz:match", args=[match.token]), {"action": "decline", "reason": "krank"})
    match.refresh_from_db()
    assert (match.status, match.decline_reason) == (MatchStatus.DECLINED, "krank")
    assert [m.bcc for m in mail.outbox] == [[coordinator.email]]
    assert "krank" not in mail.outbox[0].body
    # The declined volunteer is never proposed for this request again.
    assert list(Proposal.objects.filter(request=escort_request).values_list("volunteer", flat=True)) == [other.pk]


def test_a_wrong_or_expired_link_gives_404(client, coordinator, world):
    _office, escort_request, near, _other = world
    match = match_ask(escort_request=escort_request, volunteer=near, actor=coordinator)
    wrong = match.token[:-1] + ("A" if match.token[-1] != "A" else "B")
    assert client.get(reverse("einsatz:match", args=[wrong])).status_code == 404
    assert client.post(reverse("einsatz:match", args=[wrong]), {"action": "accept"}).status_code == 404
    Match.objects.filter(pk=match.pk).update(ends_at=timezone.now() - datetime.timedelta(minutes=1))
    assert client.post(reverse("einsatz:match", args=[match.token]), {"action": "accept"}).status_code == 404
    match.refresh_from_db()
    assert match.status == MatchStatus.ASKED


def test_a_coordinator_can_cancel_and_reassign_and_every_change_is_recorded(coordinator_client, coordinator, world):
    _office, escort_request, near, other = world
    match = match_ask(escort_request=escort_request, volunteer=near, actor=coordinator)
    match_accept(match=match)
    coordinator_client.post(reverse("admin:matching_match_reassign", args=[escort_request.pk, match.pk, other.pk]))
    match.refresh_from_db()
    new = Match.objects.exclude(pk=match.pk).get()
    escort_request.refresh_from_db()
    assert (match.status, new.status, new.volunteer, escort_request.status) == (
        "cancelled",
        "asked",
        other,
        "searching",
    )
    kinds = list(MatchEvent.objects.order_by("pk").values_list("match", "kind", "actor_role"))
    assert kinds == [
        (match.pk, "asked", "coordinator"),
        (match.pk, "accepted", "volunteer"),
        (match.pk, "cancelled", "coordinator"),
        (new.pk, "asked", "coordinator"),
        (new.pk, "reassigned", "coordinator"),
    ]


def test_the_person_cancelling_releases_the_companion(client, coordinator, world, django_capture_on_commit_callbacks):
    _office, escort_request, near, _other = world
    match = match_ask(escort_request=escort_request, volunteer=near, actor=coordinator)
    match_accept(match=match)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("matching:cancel", args=[escort_request.token]))
    match.refresh_from_db()
    assert match.status == MatchStatus.CANCELLED
    assert near.user.email in [m.to[0] for m in mail.outbox if m.to]


def test_mails_queued_twice_and_tasks_delivered_twice_send_once(coordinator, world):
    _office, escort_request, near, _other = world
    match = match_ask(escort_request=escort_request, volunteer=near, actor=coordinator)
    assert match_mail_invitation(match_id=match.pk) == 0  # the ask queued it already
    (invitation,) = OutgoingMail.objects.filter(key__startswith="match-invitation:")
    mail.outbox.clear()
    outbox_send.apply(kwargs={"mail_id": invitation.pk})
    outbox_send.apply(kwargs={"mail_id": invitation.pk})
    assert len(mail.outbox) == 1


def test_reminders_go_out_once_the_day_before_and_feedback_after(
    client, coordinator, world, django_capture_on_commit_callbacks
):
    _office, escort_request, near, _other = world
    escort_request.email = "ayse@beispiel.de"
    escort_request.save()
    match = match_ask(escort_request=escort_request, volunteer=near, actor=coordinator)
    match_accept(match=match)
    mail.outbox.clear()
    day_before = match.starts_at - datetime.timedelta(hours=20)
    assert matches_due_for_reminder(now=match.starts_at - datetime.timedelta(days=3)) == []
    assert matches_due_for_reminder(now=day_before) == [match.pk]
    with django_capture_on_commit_callbacks(execute=True):
        match_mail_reminder(match_id=match.pk)
        match_mail_reminder(match_id=match.pk)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([near.user.email, "ayse@beispiel.de"])
    assert matches_due_for_reminder(now=day_before) == []

    after = match.ends_at + datetime.timedelta(hours=1)
    assert matches_due_for_feedback(now=after) == [match.pk]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        match_mail_feedback_request(match_id=match.pk)
    feedback_url = re.search(r"https?://\S+/rueckmeldung/", mail.outbox[0].body).group(0)
    # One click on a button after the appointment records the outcome.
    Match.objects.filter(pk=match.pk).update(starts_at=timezone.now() - datetime.timedelta(hours=2))
    assert client.get(path_of(feedback_url)).status_code == 200
    client.post(path_of(feedback_url), {"outcome": Outcome.NOT_ADMITTED})
    match.refresh_from_db()
    escort_request.refresh_from_db()
    assert (match.status, match.outcome, escort_request.status) == ("done", "not_admitted", RequestStatus.CANCELLED)


@pytest.mark.django_db(transaction=True)
def test_concurrent_approvals_of_one_volunteer_for_overlapping_requests_book_exactly_one(coordinator):
    assert connection.vendor == "postgresql"
    office = make_office()
    volunteer = make_volunteer(number=1)
    requests = [
        make_request(office=office, starts_at=MONDAY_10 + datetime.timedelta(minutes=10 * i), email=f"p{i}@beispiel.de")
        for i in range(12)
    ]
    results = race(12, lambda i: match_ask(escort_request=requests[i], volunteer=volunteer, actor=coordinator))
    assert sum(isinstance(result, Match) for result in results) == 1
    assert all(isinstance(r, (Match, MatchError)) for r in results)
    assert Match.objects.filter(volunteer=volunteer, status__in=["asked", "accepted"]).count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_accepts_for_one_request_confirm_exactly_one(coordinator):
    assert connection.vendor == "postgresql"
    office = make_office()
    escort_request = make_request(office=office, starts_at=MONDAY_10)
    matches = [
        match_ask(escort_request=escort_request, volunteer=make_volunteer(number=i), actor=coordinator)
        for i in range(12)
    ]
    results = race(12, lambda i: match_accept(match=matches[i]))
    assert sum(isinstance(result, Match) for result in results) == 1
    assert Match.objects.filter(request=escort_request, status="accepted").count() == 1
    escort_request.refresh_from_db()
    assert escort_request.status == RequestStatus.CONFIRMED


def test_a_new_volunteer_nearby_is_proposed_for_open_requests_and_a_second_change_is_not_dropped(
    django_capture_on_commit_callbacks,
):
    from django.conf import settings as django_settings

    from volunteers import services as volunteer_services
    from volunteers.models import Volunteer

    office = make_office()
    escort_request = make_request(office=office, starts_at=MONDAY_10)
    assert proposals_refresh(request_id=escort_request.pk) == []
    seed = make_volunteer(number=1, is_active=False)  # only for a verified user account
    user = seed.user
    seed.delete()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        volunteer = volunteer_services.volunteer_create(
            user=user,
            policy_version=django_settings.PRIVACY_POLICY_VERSION,
            display_name="Neu",
            postal_code="47051",
            radius_km=10,
            availability=(1 << 18) - 1,
            languages=1,
            office_kinds=(1 << 9) - 1,
        )
    assert callbacks  # the change was announced on commit
    # Not asked before the briefing is confirmed; confirming it (a new window) brings the proposal.
    assert not Proposal.objects.filter(request=escort_request).exists()
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        volunteer_services.volunteer_confirm_briefing(volunteer=volunteer)
    assert list(Proposal.objects.filter(request=escort_request).values_list("volunteer", flat=True)) == [volunteer.pk]
    # A second change inside the debounce window is not dropped (in-process the run is immediate).
    Proposal.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        volunteer_services.volunteer_pause(volunteer=Volunteer.objects.get(pk=volunteer.pk), until=None)
    assert list(Proposal.objects.values_list("volunteer", flat=True)) == [volunteer.pk]


def test_a_companion_erasing_their_account_reopens_the_request_and_tells_everyone(
    client, coordinator, world, django_capture_on_commit_callbacks
):
    from volunteers import services as volunteer_services

    _office, escort_request, near, other = world
    escort_request.email = "ayse@beispiel.de"
    escort_request.save()
    match = match_ask(escort_request=escort_request, volunteer=near, actor=coordinator)
    match_accept(match=match)
    Match.objects.filter(pk=match.pk).update(decline_reason="privat")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        volunteer_services.volunteer_erase(volunteer=near)
    match.refresh_from_db()
    escort_request.refresh_from_db()
    assert (match.status, match.volunteer, match.decline_reason) == ("cancelled", None, "")
    assert escort_request.status == RequestStatus.SEARCHING
    assert [m.bcc for m in mail.outbox if m.bcc] == [[coordinator.email]]
    assert "ayse@beispiel.de" in [m.to[0] for m in mail.outbox if m.to]
    assert list(Proposal.objects.filter(request=escort_request).values_list("volunteer", flat=True)) == [other.pk]
    assert client.get(reverse("einsatz:match", args=[match.token])).status_code == 404
    assert "Freiwillige 1" not in client.get(reverse("matching:status", args=[escort_request.token])).content.decode()


def test_the_statistics_count_requests_by_month_kind_and_outcome(coordinator_client, coordinator, world):
    _office, escort_request, near, _other = world
    match = match_ask(escort_request=escort_request, volunteer=near, actor=coordinator)
    match_accept(match=match)
    Match.objects.filter(pk=match.pk).update(
        starts_at=timezone.now() - datetime.timedelta(hours=3), ends_at=timezone.now() - datetime.timedelta(hours=2)
    )
    match_record_outcome(match=Match.objects.get(pk=match.pk), outcome=Outcome.TOOK_PLACE)
    assert (
        "Statistik"
        in coordinator_client.get(reverse("admin:matching_accompanimentrequest_changelist")).content.decode()
    )
    page = coordinator_client.get(reverse("admin:matching_statistics"))
    assert page.status_code == 200
    assert [(label, total) for label, total in page.context["outcomes"]][0] == ("hat stattgefunden", 1)
    assert [(label, row["total"], row["done"]) for label, row in page.context["by_kind"]] == [("Jobcenter", 1, 1)]
    assert sum(row["total"] for row in page.context["by_month"]) == 1


def test_mails_to_a_volunteer_speak_the_language_they_signed_up_in(
    coordinator, world, django_capture_on_commit_callbacks
):
    _office, escort_request, near, _other = world
    near.language = "en"
    near.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        match_ask(escort_request=escort_request, volunteer=near, actor=coordinator)
    assert mail.outbox[-1].subject.startswith("Can you")
    assert "Hello" in mail.outbox[-1].body or "Hi" in mail.outbox[-1].body


def test_changes_that_matter_to_matching_recompute_the_proposals(
    coordinator_client, world, django_capture_on_commit_callbacks
):
    from volunteers import services as volunteer_services
    from volunteers.models import Volunteer

    _office, escort_request, near, other = world
    # A coordinator asks for a companion speaking Arabic in the admin: nobody nearby does.
    page = coordinator_client.get(reverse("admin:matching_accompanimentrequest_change", args=[escort_request.pk]))
    form = page.context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields if form[name].value() is not None}
    data["needs_language"] = "on"
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({f"{management.prefix}-{key}": value for key, value in management.initial.items()})
    escort_request.languages = 1 << 2
    escort_request.save()
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            reverse("admin:matching_accompanimentrequest_change", args=[escort_request.pk]), data
        )
    assert response.status_code == 302
    escort_request.refresh_from_db()
    assert escort_request.needs_language
    assert not Proposal.objects.filter(request=escort_request).exists()
    # The nearest volunteer goes away for that day: once the language need is dropped, only the other is proposed.
    escort_request.needs_language = False
    escort_request.save()
    with django_capture_on_commit_callbacks(execute=True):
        volunteer_services.absence_add(
            volunteer=Volunteer.objects.get(pk=near.pk), starts_on=MONDAY_10.date(), ends_on=MONDAY_10.date()
        )
    assert list(Proposal.objects.filter(request=escort_request).values_list("volunteer", flat=True)) == [other.pk]
