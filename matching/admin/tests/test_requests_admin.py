import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from directory.choices import OfficeKind
from matching.models import AccompanimentRequest, RequestStatus
from matching.requests.tests.helpers import in_days, make_request, office

pytestmark = pytest.mark.django_db

LIST = "/admin/matching/accompanimentrequest/"


@pytest.fixture
def coordinator_client(client, django_user_model):
    user = django_user_model.objects.create_superuser("koord", "koord@mitlaeufer.example", "pw-koordination")
    client.force_login(user)
    return client


def _requests(count: int) -> None:
    offices = [office(), office(name="Sozialamt Duisburg", kind=OfficeKind.SOCIAL_WELFARE)]
    for number in range(count):
        make_request(the_office=offices[number % 2], starts_at=in_days(2 + number % 80, 8 + number % 10))


def _queries(client, count: int) -> int:
    _requests(count)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(LIST)
    assert response.status_code == 200
    assert response.context["cl"].result_count == count
    return len(queries)


def test_the_request_list_has_no_n_plus_1(coordinator_client):
    one = _queries(coordinator_client, 1)
    AccompanimentRequest.objects.all().delete()
    thirty = _queries(coordinator_client, 30)
    assert thirty == one


def test_the_list_filters_by_status_office_kind_and_appointment(coordinator_client):
    jobcenter = office()
    social = office(name="Sozialamt Duisburg", kind=OfficeKind.SOCIAL_WELFARE)
    soon = make_request(the_office=jobcenter, starts_at=in_days(1, 12))
    later = make_request(the_office=social, starts_at=in_days(30))
    AccompanimentRequest.objects.filter(pk=later.pk).update(status=RequestStatus.CONFIRMED)

    def shown(query: str) -> set[int]:
        return {r.pk for r in coordinator_client.get(LIST + query).context["cl"].result_list}

    assert shown("?status__exact=confirmed") == {later.pk}
    assert shown(f"?office__kind__exact={OfficeKind.JOBCENTER}") == {soon.pk}
    assert shown("?termin=morgen") == {soon.pk}
    assert shown("?termin=spaeter") == {later.pk}
    assert shown("?termin=vorbei") == set()


def test_the_list_searches_office_name_and_postal_code(coordinator_client):
    duisburg = make_request()
    PostalCode = office().postal_code.__class__
    PostalCode.objects.get_or_create(code="10117", defaults={"latitude": 52.51, "longitude": 13.39})
    berlin = make_request(the_office=office(name="Jobcenter Berlin Mitte", code="10117", city="Berlin"))

    def found(term: str) -> set[int]:
        return {r.pk for r in coordinator_client.get(LIST, {"q": term}).context["cl"].result_list}

    assert found("Berlin Mitte") == {berlin.pk}
    assert found("47051") == {duisburg.pk}


def test_script_in_every_text_field_comes_back_escaped_in_the_admin(coordinator_client):
    script = "<script>alert(1)</script>"
    escort_request = make_request(
        the_office=office(name=f"Amt {script}"), first_name=script[:50], accessibility=script, message=script
    )
    for path in (LIST, f"{LIST}{escort_request.pk}/change/"):
        content = coordinator_client.get(path).content.decode()
        assert script not in content
        assert "&lt;script&gt;" in content


def test_the_change_page_shows_the_status_link_for_people_without_email(coordinator_client):
    escort_request = make_request(email="", phone="0203 123456")
    content = coordinator_client.get(f"{LIST}{escort_request.pk}/change/").content.decode()
    assert f"/anfrage/{escort_request.token}/" in content
