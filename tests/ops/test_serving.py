"""Serving in production: gunicorn's settings from the environment, an access log without
tokens, the proxies the portal trusts (``PORTAL_TRUSTED_PROXIES``), and a production
start that refuses to invent a secret key or a database in ``instance/``."""

from __future__ import annotations

import runpy

import pytest
from flask import request

from portal import create_app
from portal.config import PROJECT_ROOT
from portal.ops.access_log import redact_path
from portal.ops.production import ProductionSettingsError

GUNICORN_CONF = PROJECT_ROOT / "gunicorn.conf.py"
SECRET = "k" * 48
PRODUCTION = {
    "ENV": "production",
    "SECRET_KEY": SECRET,
    "BASE_URL": "https://afspraken.stad.example",
}


def _gunicorn_settings(monkeypatch, **environment) -> dict:
    for name in ("PORT", "PORTAL_BIND", "PORTAL_WEB_WORKERS", "PORTAL_WEB_THREADS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_takes_workers_from_the_cores_and_bind_from_the_environment(monkeypatch):
    import os

    settings = _gunicorn_settings(monkeypatch)
    assert settings["workers"] == 2 * len(os.sched_getaffinity(0)) + 1
    assert settings["bind"] == "127.0.0.1:8000"
    assert settings["worker_class"] == "gthread"
    assert settings["accesslog"] == "-"
    assert settings["wsgi_app"] == "wsgi:app"
    # gunicorn believes no forwarded header: ProxyFix in the app is the one place.
    assert settings["forwarded_allow_ips"] == ""
    assert settings["secure_scheme_headers"] == {}

    settings = _gunicorn_settings(
        monkeypatch, PORT="9001", PORTAL_WEB_WORKERS="3", PORTAL_WEB_THREADS="1"
    )
    assert settings["bind"] == "127.0.0.1:9001"
    assert (settings["workers"], settings["threads"]) == (3, 1)
    assert settings["worker_class"] == "sync"
    assert _gunicorn_settings(monkeypatch, PORTAL_BIND="0.0.0.0:80")["bind"] == "0.0.0.0:80"


@pytest.mark.parametrize(
    ("path", "logged"),
    [
        ("/afspraak/beheer/Zx9_secret-token/verplaatsen", "/afspraak/beheer/[token]/verplaatsen"),
        ("/api/v1/appointments/abcDEF123/confirm", "/api/v1/appointments/[token]/confirm"),
        ("/afspraak/uitnodiging/tok3n", "/afspraak/uitnodiging/[token]"),
        ("/medewerkers/agenda/s3cret.ics", "/medewerkers/agenda/[token]"),
        ("GET /api/v1/holds/abc HTTP/1.1", "GET /api/v1/holds/[token] HTTP/1.1"),
        ("/diensten/12", "/diensten/12"),
        ("/afspraak/beheer", "/afspraak/beheer"),
    ],
)
def test_the_access_log_masks_tokens_in_paths(path, logged):
    assert redact_path(path) == logged


def _app_that_shows_the_client(tmp_path, **config):
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}",
            "SECRET_KEY": "test-secret",
            **config,
        }
    )
    app.add_url_rule(
        "/_client", "client", lambda: f"{request.remote_addr} {request.scheme} {request.host}"
    )
    return app.test_client()


FORWARDED = {
    "X-Forwarded-For": "198.51.100.7, 203.0.113.9",
    "X-Forwarded-Proto": "https",
    "X-Forwarded-Host": "afspraken.stad.example",
}


def test_without_trusted_proxies_forwarded_headers_are_ignored(tmp_path):
    client = _app_that_shows_the_client(tmp_path)
    answer = client.get("/_client", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert answer.text == "10.0.0.2 http localhost"


def test_one_trusted_proxy_gives_the_address_it_saw(tmp_path):
    client = _app_that_shows_the_client(tmp_path, TRUSTED_PROXIES=1)
    answer = client.get("/_client", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    # The client's own first value (198.51.100.7) is not believed: only what nginx added.
    assert answer.text == "203.0.113.9 https afspraken.stad.example"


def test_two_trusted_proxies_read_one_value_further(tmp_path):
    client = _app_that_shows_the_client(tmp_path, TRUSTED_PROXIES=2)
    answer = client.get("/_client", headers=FORWARDED, environ_base={"REMOTE_ADDR": "10.0.0.2"})
    assert answer.text.split()[0] == "198.51.100.7"


def test_a_negative_proxy_count_is_refused(tmp_path):
    with pytest.raises(ValueError, match="PORTAL_TRUSTED_PROXIES"):
        _app_that_shows_the_client(tmp_path, TRUSTED_PROXIES=-1)


@pytest.fixture
def instance(tmp_path, monkeypatch):
    """An instance folder that does not exist yet, and no PORTAL_* setting from outside."""
    folder = tmp_path / "instance"
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(folder))
    for name in ("PORTAL_SECRET_KEY", "PORTAL_DATABASE_URL", "PORTAL_ENV", "PORTAL_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return folder


@pytest.mark.parametrize(
    ("missing", "message"),
    [
        ({"SECRET_KEY": None}, "PORTAL_SECRET_KEY is not set"),
        ({"SECRET_KEY": "too-short"}, "PORTAL_SECRET_KEY is shorter than 32"),
        ({"SQLALCHEMY_DATABASE_URI": None}, "PORTAL_DATABASE_URL is not set"),
        ({"BASE_URL": "http://127.0.0.1:5000"}, "PORTAL_BASE_URL is not set"),
        ({"DEV_MAILBOX": True}, "PORTAL_DEV_MAILBOX"),
    ],
)
def test_production_refuses_to_start_without_what_it_needs(instance, tmp_path, missing, message):
    config = {**PRODUCTION, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"}
    config.update(missing)
    with pytest.raises(ProductionSettingsError, match=message):
        create_app(config)
    assert not instance.exists()  # no key file, no database, nothing written


def test_production_from_the_environment_writes_nothing_locally(instance, tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "production")
    with pytest.raises(ProductionSettingsError, match="PORTAL_SECRET_KEY"):
        create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"})
    monkeypatch.setenv("PORTAL_SECRET_KEY", SECRET)
    monkeypatch.setenv("PORTAL_BASE_URL", "https://afspraken.stad.example")
    monkeypatch.setenv("PORTAL_DATABASE_URL", f"sqlite:///{tmp_path / 'p.sqlite3'}")
    app = create_app()
    assert app.config["SECRET_KEY"] == SECRET
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.test_client().get("/healthz").status_code == 200
    assert not instance.exists()


def test_development_still_keeps_a_key_of_its_own(instance, tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'p.sqlite3'}"})
    assert (instance / "secret_key").read_text() == app.config["SECRET_KEY"]
