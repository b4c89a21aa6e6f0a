"""docker-compose.yml as written: no Docker engine here, so its promises are read from the file."""

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP = ("migrate", "web", "worker", "beat")
LONG_RUNNING = ("web", "worker", "beat", "caddy", "db", "redis", "mail")
PINNED = {"db": r"postgres:15\.\d+", "redis": r"redis:7\.\d+\.\d+", "caddy": r"caddy:2\.\d+\.\d+",
          "mail": r"axllent/mailpit:v\d+\.\d+\.\d+", "backup": r"postgres:15\.\d+"}  # fmt: skip


def env_example() -> dict[str, str]:
    pairs = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def test_the_proxy_is_the_only_service_with_public_ports():
    published = {name: service.get("ports", []) for name, service in SERVICES.items() if service.get("ports")}
    assert published.pop("caddy") == ["80:80", "443:443", "443:443/udp"]
    # Mailpit (dev profile) on the host's loopback only; nothing else, gunicorn included.
    assert published == {"mail": ["127.0.0.1:8025:8025"]}
    assert SERVICES["web"].get("expose") == ["8000"]


@pytest.mark.parametrize("name", APP)
def test_the_app_services_take_their_configuration_from_env_only(name):
    service = SERVICES[name]
    assert service["env_file"] == ".env"
    assert "environment" not in service


def test_other_environment_blocks_only_pass_values_through_from_env():
    for name, service in SERVICES.items():
        for key, value in (service.get("environment") or {}).items():
            assert re.fullmatch(rf"\$\{{{key}(:\?[^}}]*|:-[^}}]*)?\}}", str(value)), f"{name}.{key}={value}"
            assert key in env_example(), f"{key} is missing in .env.example"


def test_no_password_is_written_into_the_compose_file():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "mitlaeufer:mitlaeufer@" not in text
    assert SERVICES["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")


@pytest.mark.parametrize("name", ("web", "worker", "beat"))
def test_web_worker_and_beat_wait_for_the_one_shot_migration(name):
    depends = SERVICES[name]["depends_on"]
    assert depends["migrate"] == {"condition": "service_completed_successfully"}
    assert depends["db"] == depends["redis"] == {"condition": "service_healthy"}


def test_the_migration_is_one_shot_and_static_files_are_collected_at_start():
    assert SERVICES["migrate"]["command"] == "python manage.py migrate --noinput"
    assert SERVICES["migrate"]["restart"] == "no"
    assert "manage.py collectstatic --noinput" in SERVICES["web"]["command"]
    assert SERVICES["caddy"]["depends_on"] == {"web": {"condition": "service_healthy"}}


@pytest.mark.parametrize("name", LONG_RUNNING)
def test_long_running_services_restart_and_have_healthchecks_with_a_start_period(name):
    service = SERVICES[name]
    assert service["restart"] == "unless-stopped"
    assert re.fullmatch(r"\d+s", service["healthcheck"]["start_period"])


@pytest.mark.parametrize(("name", "pattern"), PINNED.items())
def test_images_are_pinned(name, pattern):
    assert re.fullmatch(pattern, SERVICES[name]["image"])


def test_the_python_base_image_is_pinned():
    base = re.search(r"^FROM (\S+)", (ROOT / "Dockerfile").read_text(), re.MULTILINE).group(1)
    assert re.fullmatch(r"python:3\.11\.\d+-slim-\w+", base)


def test_mailpit_and_backup_are_only_in_their_profiles():
    assert SERVICES["mail"]["profiles"] == ["dev"]
    assert SERVICES["backup"]["profiles"] == ["backup"]
    assert [name for name, service in SERVICES.items() if "profiles" not in service] == [
        "migrate", "web", "worker", "beat", "caddy", "db", "redis"
    ]  # fmt: skip


def test_the_backup_service_runs_the_backup_script_into_a_host_directory():
    backup = SERVICES["backup"]
    assert backup["command"] == "sh /scripts/backup.sh /backups"
    assert "./scripts:/scripts:ro" in backup["volumes"]
    assert "./backups:/backups" in backup["volumes"]


def test_dockerignore_keeps_secrets_databases_and_history_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".git", "db.sqlite3", ".venv", "test-artifacts", "test-sqlite-*", "backups"} <= ignored


def test_the_caddyfile_serves_the_configured_domain_and_proxies_to_gunicorn():
    caddyfile = (ROOT / "Caddyfile").read_text()
    assert "{$SITE_DOMAIN} {" in caddyfile
    assert "reverse_proxy web:8000" in caddyfile


def test_env_example_puts_cache_and_broker_in_different_redis_databases_behind_one_proxy():
    values = env_example()
    assert values["REDIS_URL"] != values["CACHE_URL"]
    assert values["TRUSTED_PROXY_COUNT"] == "1"
    assert values["DB_CONN_MAX_AGE"].isdigit()
    assert f"@db:5432/{values['POSTGRES_DB']}" in values["DATABASE_URL"]
    assert f"{values['POSTGRES_USER']}:{values['POSTGRES_PASSWORD']}@" in values["DATABASE_URL"]


def test_every_variable_the_settings_read_is_in_the_readme():
    settings_text = (ROOT / "mitlaeufer" / "settings.py").read_text()
    names = set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z_]+)\"", settings_text))
    readme = (ROOT / "README.md").read_text()
    missing = sorted(name for name in names if f"`{name}`" not in readme)
    assert missing == []
