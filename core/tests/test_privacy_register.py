"""The register of personal data: complete, truthful, and tied to the policy version."""

import pytest
from django.apps import apps

from core import privacy, privacy_version

OUR_APPS = {"core", "geo", "volunteers", "directory", "matching"}


def test_every_field_of_every_installed_model_is_classified():
    assert privacy.unclassified_fields() == []


def test_the_register_names_only_fields_that_exist():
    assert privacy.unknown_fields() == []


def test_our_own_tables_are_classified_field_by_field():
    # A blanket class is for third-party tables only: a new field of ours must be looked at.
    ours = [entry for entry in privacy.entries() if entry.model_class._meta.app_label in OUR_APPS]
    blanket = [entry.model for entry in ours if entry.all_fields]
    assert blanket == []


def test_it_covers_the_third_party_tables_holding_our_users_data():
    labels = {entry.model for entry in privacy.entries()}
    assert {"auth.User", "account.EmailAddress", "sessions.Session", "admin.LogEntry", "core.DeferredTask"} <= labels
    assert len(labels) == len(list(apps.get_models(include_auto_created=True)))


def test_owner_paths_and_secrets_point_at_real_fields():
    for entry in privacy.entries():
        model = entry.model_class
        for path in entry.owners.values():
            model._base_manager.filter(**{path: 0}).query  # noqa: B018  (building it raises FieldError on a broken path)
        assert set(entry.secret) <= set(entry.classes()), entry.model


@pytest.mark.django_db
def test_the_register_hash_matches_the_policy_version():
    digest = privacy.register_digest()
    assert digest == privacy_version.REGISTER_SHA256, (
        "The register of personal data changed, so the privacy page changed. Set a new POLICY_VERSION "
        f'(today\'s date) and REGISTER_SHA256 = "{digest}" in core/privacy_version.py.'
    )


def test_a_change_of_a_promise_changes_the_hash():
    before = privacy.register_digest()
    entry = privacy._REGISTER["matching.accompanimentrequest"]
    privacy._REGISTER["matching.accompanimentrequest"] = entry.__class__(
        **{**entry.__dict__, "personal_text": ("accessibility",), "not_personal": (*entry.not_personal, "message")}
    )
    try:
        assert privacy.register_digest() != before
    finally:
        privacy._REGISTER["matching.accompanimentrequest"] = entry
    assert privacy.register_digest() == before


@pytest.mark.django_db
def test_the_privacy_page_is_generated_from_the_register(client, settings):
    settings.REQUEST_RETENTION_DAYS = 21
    content = client.get("/datenschutz/").content.decode()
    assert "21 Tage nach dem Termin oder nach einer Absage" in content
    for label in ("Barrierefreiheit", "Nachricht", "Vorname oder Fantasiename", "Grund der Absage", "Gründe"):
        assert label in content
    assert content.count('class="card mb-3 privacy-item"') == sum(
        1 for entry in privacy.entries() if entry.holds_personal_data
    )
    # Tables without people (postal codes, the beat schedule) are not on the page.
    assert "Entfernungen zwischen Postleitzahlen" not in content


@pytest.mark.django_db
def test_the_privacy_page_speaks_english_when_chosen(client):
    client.post("/i18n/setlang/", {"language": "en", "next": "/datenschutz/"})
    content = client.get("/datenschutz/").content.decode()
    assert "What we store" in content
    assert "Was wir speichern" not in content
