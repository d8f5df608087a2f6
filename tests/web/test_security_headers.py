"""Security headers on every response (portal/security): the Content-Security-Policy and
its nonce, HSTS only over HTTPS, the other headers, the referrer policy of secret-link
pages, the city's overrides, the violation report endpoint, and templates that need no
'unsafe-inline'."""

from __future__ import annotations

import json
import logging
import re

import pytest

from portal.config import PROJECT_ROOT
from portal.security.headers import BASE_POLICY, REPORT_PATH, csp_nonce
from portal.security.reports import MAX_REPORT_BYTES

MANAGE_TOKEN = "Q" * 43  # the shape of a manage token; no visit has it
ALWAYS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
}
REPORT_LOGGER = "portal.security.reports"


def policy_of(response) -> dict[str, list[str]]:
    """The Content-Security-Policy of ``response``, directive → sources."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request.path}"
    directives = {}
    for part in header.split(";"):
        name, *sources = part.split()
        directives[name] = sources
    return directives


def nonce_of(response) -> str:
    """The nonce in the response's script-src."""
    found = [s for s in policy_of(response)["script-src"] if s.startswith("'nonce-")]
    assert len(found) == 1, found
    return found[0][len("'nonce-") : -1]


def assert_secure_headers(response) -> None:
    """Every header the portal promises, with a strict policy."""
    for name, value in ALWAYS.items():
        assert response.headers.get(name) == value, (name, response.request.path)
    assert response.headers["Referrer-Policy"] in {
        "strict-origin-when-cross-origin",
        "same-origin",
    }
    permissions = response.headers["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in permissions
    policy = policy_of(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][0] == "'self'" and len(policy["script-src"]) == 2
    for directive in ("script-src", "style-src", "default-src"):
        assert not {"'unsafe-inline'", "'unsafe-eval'", "*"} & set(policy[directive])
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["worker-src"] == ["'self'"]
    assert policy["report-uri"] == [REPORT_PATH]


@pytest.mark.parametrize(
    ("path", "status", "content_type"),
    [
        ("/", 200, "text/html"),
        ("/medewerkers/oproepscherm", 200, "text/html"),
        ("/api/v1/services", 200, "application/json"),
        ("/api/v1/openapi.json", 200, "application/json"),
        ("/static/css/portal.css", 200, "text/css"),
        ("/static/vendor/altcha/workers/sha.js", 200, "text/javascript"),
        ("/bestaat-niet", 404, "text/html"),
        ("/api/v1/services/999999", 404, "application/json"),
        ("/static/bestaat-niet.js", 404, "text/html"),
        ("/medewerkers/", 302, None),
    ],
)
def test_every_kind_of_response_carries_every_header(demo_client, path, status, content_type):
    response = demo_client.get(path)
    assert response.status_code == status
    if content_type:
        assert response.content_type.startswith(content_type)
    assert_secure_headers(response)


def test_a_refused_method_and_a_post_without_csrf_token_carry_them_too(demo_client):
    assert_secure_headers(demo_client.delete("/"))
    refused = demo_client.post("/medewerkers/aanmelden", data={"email": "x@example.org"})
    assert refused.status_code == 400
    assert_secure_headers(refused)


def test_the_nonce_is_new_for_each_request_and_on_every_script_tag(staff_client):
    client = staff_client("clerk")
    pages = [client.get("/medewerkers/agenda"), client.get("/medewerkers/agenda")]
    nonces = [nonce_of(page) for page in pages]
    assert nonces[0] != nonces[1]
    assert all(len(nonce) >= 22 for nonce in nonces)  # 18 random bytes, base64
    for page, nonce in zip(pages, nonces, strict=True):
        html = page.get_data(as_text=True)
        tags = re.findall(r"<script\b[^>]*>", html)
        runnable = [tag for tag in tags if 'type="application/json"' not in tag]
        assert len(runnable) == 2, tags  # the vendored calendar and ours
        assert all(f'nonce="{nonce}"' in tag for tag in runnable), runnable


def test_outside_a_request_there_is_no_nonce(demo_app):
    with demo_app.app_context():
        assert csp_nonce() == ""
    with demo_app.test_request_context("/"):
        assert csp_nonce() == csp_nonce() != ""  # one per request


def test_hsts_only_when_the_site_is_https(demo_app, demo_client, monkeypatch):
    assert "Strict-Transport-Security" not in demo_client.get("/").headers
    secure = demo_client.get("/", base_url="https://afspraken.stad.example")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert_secure_headers(secure)
    api = demo_client.get("/api/v1/services", base_url="https://afspraken.stad.example")
    assert "Strict-Transport-Security" in api.headers
    monkeypatch.setitem(demo_app.config, "BASE_URL", "https://afspraken.stad.example")
    assert "Strict-Transport-Security" in demo_client.get("/").headers
    monkeypatch.setitem(demo_app.config, "HSTS_HEADER", "")
    assert "Strict-Transport-Security" not in demo_client.get("/").headers


def test_pages_of_a_secret_link_send_their_address_to_nobody_else(demo_client):
    manage = demo_client.get(f"/afspraak/beheer/{MANAGE_TOKEN}")
    assert manage.headers["Referrer-Policy"] == "same-origin"
    invitation = demo_client.get(f"/afspraak/uitnodiging/{MANAGE_TOKEN}")
    assert invitation.headers["Referrer-Policy"] == "same-origin"
    assert demo_client.get("/").headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_why_not_no_referrer_a_form_posted_over_https_needs_its_referer(demo_client):
    """Flask-WTF checks the Referer of every form posted over HTTPS: a page sent with
    "no-referrer" could not post its forms (move, cancel, choose a time)."""
    from tests.web.booking_helpers import csrf_of

    site = "https://afspraken.stad.example"
    sign_in = "/medewerkers/aanmelden"
    page = demo_client.get(sign_in, base_url=site)
    form = {"csrf_token": csrf_of(page.get_data(as_text=True)), "email": "x@stad.example"}
    form["password"] = "wrong"
    without = demo_client.post(sign_in, base_url=site, data=form)
    assert without.status_code == 400
    with_referer = demo_client.post(
        sign_in, base_url=site, data=form, headers={"Referer": site + sign_in}
    )
    assert with_referer.status_code != 400


def test_a_city_adds_and_drops_directives(demo_app, demo_client, monkeypatch):
    monkeypatch.setitem(
        demo_app.config,
        "CSP_DIRECTIVES",
        {"img-src": "'self' https://tiles.stad.example", "Manifest-Src": ""},
    )
    policy = policy_of(demo_client.get("/"))
    assert policy["img-src"] == ["'self'", "https://tiles.stad.example"]
    assert "manifest-src" not in policy
    assert policy["script-src"][0] == "'self'"
    monkeypatch.setitem(demo_app.config, "CSP_REPORT_URI", "")
    assert "report-uri" not in policy_of(demo_client.get("/"))
    monkeypatch.setitem(demo_app.config, "CSP_REPORT_URI", "https://csp.stad.example/r")
    assert policy_of(demo_client.get("/"))["report-uri"] == ["https://csp.stad.example/r"]


def test_a_view_that_sets_a_header_itself_keeps_it(demo_app):
    from portal.security.headers import add_security_headers

    with demo_app.test_request_context("/"):
        response = demo_app.response_class("x")
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
        add_security_headers(response)
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "Content-Security-Policy" in response.headers


# --- the report endpoint -------------------------------------------------------------------


def _report(document: str, blocked: str = "inline") -> dict:
    return {
        "csp-report": {
            "document-uri": document,
            "referrer": "https://elders.example/?email=jan@example.org",
            "violated-directive": "script-src-elem",
            "effective-directive": "script-src-elem",
            "original-policy": "default-src 'self'",
            "blocked-uri": blocked,
            "source-file": document,
            "line-number": 12,
            "script-sample": "alert('jan@example.org')",
        }
    }


def test_a_report_is_logged_without_secrets_or_personal_data(demo_client, caplog):
    caplog.set_level(logging.WARNING, logger=REPORT_LOGGER)
    document = f"http://localhost/afspraak/beheer/{MANAGE_TOKEN}/annuleren?lang=fr#x"
    answer = demo_client.post(
        REPORT_PATH,
        data=json.dumps(_report(document)),
        content_type="application/csp-report",
    )
    assert answer.status_code == 204  # no CSRF token needed
    assert_secure_headers(answer)
    logged = [r.getMessage() for r in caplog.records if r.name == REPORT_LOGGER]
    assert logged == [
        "CSP violation: script-src-elem blocked inline on "
        "http://localhost/afspraak/beheer/…/annuleren "
        "(http://localhost/afspraak/beheer/…/annuleren:12)"
    ]
    text = caplog.text
    assert MANAGE_TOKEN not in text and "jan@example.org" not in text and "lang=fr" not in text
    assert "127.0.0.1" not in text


def test_reporting_api_batches_are_read_too(demo_client, caplog):
    caplog.set_level(logging.WARNING, logger=REPORT_LOGGER)
    batch = [
        {
            "type": "csp-violation",
            "url": "http://localhost/afspraak",
            "body": {
                "documentURL": "http://localhost/afspraak?dienst=1",
                "blockedURL": "https://evil.example/x.js?id=1",
                "effectiveDirective": "script-src-elem",
                "lineNumber": 3,
            },
        },
        {"type": "deprecation", "body": {}},
    ]
    answer = demo_client.post(
        REPORT_PATH, data=json.dumps(batch), content_type="application/reports+json"
    )
    assert answer.status_code == 204
    logged = [r.getMessage() for r in caplog.records if r.name == REPORT_LOGGER]
    assert logged == [
        "CSP violation: script-src-elem blocked https://evil.example/x.js on "
        "http://localhost/afspraak (?:3)"
    ]


def test_the_report_endpoint_refuses_junk_big_bodies_and_floods(demo_app, demo_client, monkeypatch):
    post = demo_client.post
    assert post(REPORT_PATH, data="{not json", content_type="application/json").status_code == 400
    assert post(REPORT_PATH, json={"hello": "world"}).status_code == 400
    assert post(REPORT_PATH, json=[{"type": "csp-violation", "body": 5}]).status_code == 204
    huge = json.dumps(_report("http://localhost/" + "a" * MAX_REPORT_BYTES))
    assert post(REPORT_PATH, data=huge, content_type="application/csp-report").status_code == 413
    assert demo_client.get(REPORT_PATH).status_code == 405
    monkeypatch.setitem(demo_app.config, "RATELIMIT_CSP_REPORT", "2 per minute")
    body = json.dumps(_report("http://localhost/"))
    answers = [
        post(REPORT_PATH, data=body, content_type="application/csp-report").status_code
        for _ in range(3)
    ]
    assert answers == [204, 204, 429]


# --- the templates -------------------------------------------------------------------------

TEMPLATES = PROJECT_ROOT / "templates"
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.I)
SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S | re.I)


def test_page_templates_have_no_inline_script_handler_or_style():
    """Mails may style inline (mail programs need it); pages may not: the policy allows
    neither inline scripts nor inline styles."""
    problems = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] == "mail":
            continue
        source = path.read_text()
        name = path.relative_to(TEMPLATES)
        if INLINE_HANDLER.search(source):
            problems.append(f"{name}: inline event handler")
        if re.search(r"javascript:", source, re.I):
            problems.append(f"{name}: javascript: URL")
        if re.search(r"\sstyle\s*=|<style\b", source, re.I):
            problems.append(f"{name}: inline style")
        for attributes, body in SCRIPT.findall(source):
            if 'type="application/json"' in attributes:
                continue
            if body.strip() or "src=" not in attributes:
                problems.append(f"{name}: inline script")
            elif "csp_nonce()" not in attributes:
                problems.append(f"{name}: script without the nonce")
    assert not problems, "\n".join(problems)


def test_the_base_policy_has_no_unsafe_source():
    joined = " ".join(BASE_POLICY.values())
    assert "unsafe" not in joined and "data:" not in joined and "blob:" not in joined
