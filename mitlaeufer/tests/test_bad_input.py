"""Odd input gets a clear answer, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator_client(client, django_user_model):
    user = django_user_model.objects.create_user(username="k", email="k@beispiel.de", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/volunteers/volunteer/?sprache=99999999999999999999",
        "/admin/volunteers/volunteer/?sprache=-1",
        "/admin/directory/initiative/?angebot=-1",
        "/admin/directory/initiative/?angebot=99999999999999999999",
    ],
)
def test_admin_filters_with_values_off_the_list_show_an_empty_list(coordinator_client, url):
    assert coordinator_client.get(url).status_code == 200


@pytest.mark.parametrize(
    ("method", "url", "data"),
    [
        ("get", "/admin/matching/accompanimentrequest/", {"status": "\x00"}),
        ("get", "/initiativen/", {"ort": "Duis\x00burg"}),
        ("post", "/anfrage/", {"first_name": "A\x00"}),
    ],
)
def test_a_nul_character_anywhere_gets_400(coordinator_client, method, url, data):
    response = getattr(coordinator_client, method)(url, data)
    assert response.status_code == 400
    assert response.content.decode() == "Ungültige Eingabe."


def test_healthz_answers_container_probes_on_any_host_without_the_https_redirect(client, settings):
    settings.ALLOWED_HOSTS = ["mitlaeufer.example"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get("/healthz", HTTP_HOST="localhost:8000")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"
    # Every other page still insists on the right host.
    assert client.get("/", HTTP_HOST="localhost:8000").status_code == 400
