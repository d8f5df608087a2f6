"""Bots and slot traders: the proof-of-work puzzle (ALTCHA) and the per-client rate limits.

The tests run on their own instance of the portal on the empty test database (SQLite, and
PostgreSQL when configured), so that test-only rate-limited routes can be added before its
first request. The limiter is shared by every app of the process: each test resets it.
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import threading
import time
from datetime import datetime, timedelta

import altcha
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from portal import create_app
from portal.antibot import (
    MAX_PAYLOAD_CHARS,
    altcha_hmac_key,
    book_limit,
    hold_limit,
    limiter,
    new_challenge,
    purge_spent_challenges,
    verify_altcha,
    widget_strings,
)
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.models import SpentChallenge
from portal.timeutil import utcnow

VENDOR = PROJECT_ROOT / "static" / "vendor" / "altcha"
SECRET = "test-secret"
KEY = altcha_hmac_key(SECRET)
SMALL = 2_000  # puzzles the tests solve in Python: a few milliseconds


@pytest.fixture(scope="module")
def antibot_app(_empty_app):
    """The portal on the empty test database, with test-only limited routes and limits of
    3 holds and 2 bookings per minute."""
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": _empty_app.config["SQLALCHEMY_DATABASE_URI"],
            "SECRET_KEY": SECRET,
            "RATELIMIT_HOLD": "3 per minute",
            "RATELIMIT_BOOK": "2 per minute",
            "WTF_CSRF_ENABLED": False,  # the test routes have no form
        }
    )

    @hold_limit
    def hold():
        return "held"

    @book_limit
    def api_book():
        return {"booked": True}

    app.add_url_rule("/test/hold", "test_hold", hold, methods=["GET", "POST"])
    app.add_url_rule("/api/v1/test/book", "test_api_book", api_book, methods=["POST"])
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture
def ctx(antibot_app):
    """An app context of :func:`antibot_app`; spent puzzles and limit counts are cleared."""
    limiter.reset()
    with antibot_app.app_context():
        yield antibot_app
        db.session.rollback()
        db.session.execute(SpentChallenge.__table__.delete())
        db.session.commit()
        db.session.remove()
    limiter.reset()


@pytest.fixture
def web(antibot_app):
    """A test client of :func:`antibot_app` (outside any app context: each request gets its
    own ``g``, so its own language); limit counts are cleared."""
    limiter.reset()
    yield antibot_app.test_client()
    limiter.reset()


def solved_payload(now: datetime | None = None, *, max_number: int = SMALL) -> str:
    """A genuine payload, as the widget sends it, for a puzzle issued at ``now``."""
    challenge = altcha.Challenge.from_dict(new_challenge(KEY, max_number, now or utcnow()))
    solution = altcha.solve_challenge(challenge)
    assert solution is not None
    return altcha.Payload(challenge, solution).to_base64()


def encode(data) -> str:
    return base64.b64encode(json.dumps(data).encode()).decode()


def changed(data: dict, path: tuple[str, ...], value) -> dict:
    """A deep copy of the decoded payload ``data`` with the field at ``path`` set to ``value``."""
    copy = json.loads(json.dumps(data))
    *parents, leaf = path
    target = copy
    for name in parents:
        target = target[name]
    target[leaf] = value
    return copy


PARAMETERS = ("algorithm", "nonce", "salt", "cost", "keyLength", "keyPrefix", "expiresAt")
CHECKED_FIELDS = [
    ("challenge", "signature"),
    *(("challenge", "parameters", name) for name in PARAMETERS),
    ("solution", "counter"),
    ("solution", "derivedKey"),
]


# --- The puzzle ---------------------------------------------------------------------------


def test_the_challenge_is_signed_fresh_uncached_and_solvable(web, ctx):
    first = web.get("/altcha/challenge")
    second = web.get("/altcha/challenge")
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "no-store"
    body = first.json
    assert set(body) == {"parameters", "signature"}
    assert re.fullmatch(r"[0-9a-f]{64}", body["signature"])
    parameters = body["parameters"]
    assert parameters["algorithm"] == "SHA-256"
    assert parameters["cost"] == 1
    assert re.fullmatch(r"[0-9a-f]{32}", parameters["keyPrefix"])  # deterministic mode
    lifetime = parameters["expiresAt"] - utcnow().timestamp()
    assert 590 < lifetime <= 600
    assert second.json["signature"] != body["signature"]
    challenge = altcha.Challenge.from_dict(body)
    payload = altcha.Payload(challenge, altcha.solve_challenge(challenge)).to_base64()
    assert verify_altcha(db.session, payload, utcnow()) is True  # key from SECRET_KEY


def test_a_solved_puzzle_counts_once(ctx):
    payload = solved_payload()
    assert verify_altcha(db.session, payload, utcnow()) is True
    assert verify_altcha(db.session, payload, utcnow()) is False  # same transaction
    db.session.commit()
    db.session.remove()
    # A refusal leaves the caller's own work in the transaction alone.
    db.session.add(SpentChallenge(signature="mine", expires_at=utcnow() + timedelta(hours=1)))
    assert verify_altcha(db.session, payload, utcnow()) is False  # after the commit
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SpentChallenge)) == 2


def test_of_two_simultaneous_uses_one_wins(ctx):
    """Two requests with the same payload at once: the database lets one through."""
    payload = solved_payload()
    barrier = threading.Barrier(2)
    results: list[bool] = []

    def attempt():
        with ctx.app_context():
            barrier.wait()
            accepted = verify_altcha(db.session, payload, utcnow())
            time.sleep(0.3)  # keep the transaction open while the other one tries
            db.session.commit()
            db.session.remove()
            results.append(accepted)

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(results) == [False, True]


def test_expired_puzzles_are_refused(ctx):
    now = utcnow()
    old = solved_payload(now - timedelta(minutes=11))
    assert verify_altcha(db.session, old, now) is False
    fresh = solved_payload(now)
    assert verify_altcha(db.session, fresh, now + timedelta(minutes=10, seconds=1)) is False
    assert verify_altcha(db.session, fresh, now + timedelta(minutes=9)) is True


def test_forged_and_wrong_answers_are_refused(ctx):
    now = utcnow()
    data = json.loads(base64.b64decode(solved_payload(now)))
    other_key = new_challenge(altcha_hmac_key("another secret"), SMALL, now)
    forged = altcha.Challenge.from_dict(other_key)
    counter = data["solution"]["counter"]
    cases = {
        "another key": altcha.Payload(forged, altcha.solve_challenge(forged)).to_base64(),
        "unsigned": encode({**data, "challenge": {"parameters": data["challenge"]["parameters"]}}),
        "easier prefix": encode(changed(data, ("challenge", "parameters", "keyPrefix"), "0")),
        "wrong counter": encode(changed(data, ("solution", "counter"), counter + 1)),
        "widget test mode": encode({"challenge": None, "solution": None, "test": True}),
    }
    for name, payload in cases.items():
        assert verify_altcha(db.session, payload, now) is False, name
    assert verify_altcha(db.session, encode(data), now) is True  # the untouched original


_RAW = (b"\xff\xfe\x00garbage", b"[1, 2, 3]", b'"just a string"', b"[" * 3000, b"{}")
GARBAGE = [None, "", "not base64 at all!", "%%%%", "é" * 20, 12345, b"bytes"]
GARBAGE += [base64.b64encode(raw).decode() for raw in _RAW]
GARBAGE += ["A" * (MAX_PAYLOAD_CHARS + 1), "QUFB" * 2_500_000]  # too long; 10 MB of base64


@pytest.mark.parametrize("payload", GARBAGE, ids=lambda value: type(value).__name__)
def test_garbage_is_refused_without_errors(ctx, payload):
    assert verify_altcha(db.session, payload, utcnow()) is False


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
_payload_like = st.fixed_dictionaries(
    {
        "challenge": st.fixed_dictionaries(
            {"parameters": st.dictionaries(st.sampled_from(PARAMETERS), _json), "signature": _json}
        ),
        "solution": st.dictionaries(st.sampled_from(["counter", "derivedKey", "time"]), _json),
    }
)
_fuzz = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_fuzz
@given(
    st.one_of(
        st.text(max_size=300),
        st.binary(max_size=600).map(lambda raw: base64.b64encode(raw).decode()),
        _json.map(encode),
        _payload_like.map(encode),
    )
)
def test_fuzzed_payloads_are_refused_without_errors(ctx, payload):
    assert verify_altcha(db.session, payload, utcnow(), hmac_key=KEY) is False


_GENUINE: dict[str, tuple[float, dict]] = {}


@_fuzz
@given(st.sampled_from(CHECKED_FIELDS), _json)
def test_any_change_to_a_genuine_payload_is_refused(ctx, path, value):
    solved_at, genuine = _GENUINE.get("payload", (0.0, {}))
    if time.time() - solved_at > 300:  # solved once for many examples (and never spent)
        genuine = json.loads(base64.b64decode(solved_payload()))
        _GENUINE["payload"] = (time.time(), genuine)
    data = changed(genuine, path, value)
    assume(data != genuine)
    assert verify_altcha(db.session, encode(data), utcnow(), hmac_key=KEY) is False


def test_purge_forgets_only_expired_puzzles(ctx):
    now = utcnow()
    db.session.add_all(
        [
            SpentChallenge(signature="old", expires_at=now - timedelta(seconds=1)),
            SpentChallenge(signature="new", expires_at=now + timedelta(minutes=5)),
        ]
    )
    db.session.flush()
    assert purge_spent_challenges(db.session, now) == 1
    db.session.commit()
    assert db.session.scalars(select(SpentChallenge.signature)).all() == ["new"]


@pytest.mark.skipif(shutil.which("node") is None, reason="needs Node.js")
def test_the_vendored_widget_worker_solves_what_the_server_verifies(web, ctx, tmp_path):
    """The widget's own proof-of-work worker (static/vendor/altcha/workers/sha.js) solves a
    puzzle of the endpoint, the payload is built as widget 3.x builds it, and it verifies."""
    harness = tmp_path / "solve.mjs"
    harness.write_text(_NODE_HARNESS)
    challenge = web.get("/altcha/challenge").json
    result = subprocess.run(
        ["node", str(harness), str(VENDOR / "workers" / "sha.js")],
        input=json.dumps(challenge),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert verify_altcha(db.session, result.stdout, utcnow()) is True
    assert verify_altcha(db.session, result.stdout, utcnow()) is False


_NODE_HARNESS = r"""
import { readFileSync } from "node:fs";
import vm from "node:vm";
const challenge = JSON.parse(readFileSync(0, "utf8"));
const solution = await new Promise((resolve) => {
  const self = { postMessage: resolve };
  const context = vm.createContext({ self, crypto: globalThis.crypto, performance, setTimeout,
    TextEncoder, AbortController, Uint8Array, ArrayBuffer, DataView, Error, Math, Promise,
    Array, console });
  vm.runInContext(readFileSync(process.argv[2], "utf8"), context);
  self.onmessage({ data: { challenge, counterMode: "uint32", counterStart: 0, counterStep: 1,
                           timeout: 100000, type: "work" } });
});
if (!solution || solution.error) { console.error(solution); process.exit(1); }
// As the widget (altcha 3.x, Widget.verify) builds its v2 payload:
process.stdout.write(btoa(JSON.stringify({
  challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution })));
"""


# --- The widget ---------------------------------------------------------------------------


def _render_widget(app, query: str = "") -> str:
    with app.app_context(), app.test_request_context(f"/boeken{query}"):  # a fresh g
        return app.jinja_env.from_string(
            '{% from "booking/_altcha.html" import altcha_widget %}{{ altcha_widget() }}'
        ).render()


def test_the_widget_macro_is_translated_and_has_no_inline_script(ctx):
    html = _render_widget(ctx)
    assert 'challenge="/altcha/challenge"' in html
    assert 'name="altcha"' in html
    assert 'language="nl"' in html
    strings = json.loads(re.search(r"data-strings='([^']*)'", html).group(1))
    assert strings["label"] == "Ik ben geen robot"
    assert "<noscript>" in html and "link in de e-mail" in html
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts and all(
        'src="/static/vendor/altcha/' in attrs and not body.strip() for attrs, body in scripts
    )
    assert 'language="fr"' in _render_widget(ctx, "?lang=fr")


def test_the_widget_knows_every_text_key_and_the_vendored_files_are_complete(ctx):
    bundle = (VENDOR / "altcha.min.js").read_text()
    with ctx.test_request_context("/"):
        keys = widget_strings().keys()
    missing = [key for key in keys if not re.search(rf"\b{key}:[\"']", bundle)]
    assert not missing, missing
    assert (VENDOR / "VERSION").read_text().startswith("3.")
    assert "MIT License" in (VENDOR / "LICENSE.txt").read_text()
    glue = (VENDOR / "portal-altcha.js").read_text()
    for relative in re.findall(r'(?:import |new URL\()"\./([^"]+)"', glue):
        assert (VENDOR / relative).is_file(), relative


# --- Rate limits --------------------------------------------------------------------------


def test_the_fourth_hold_within_a_minute_gets_a_friendly_page(web):
    for _ in range(5):
        assert web.get("/test/hold").status_code == 200  # only POST counts
    for _ in range(3):
        assert web.post("/test/hold").status_code == 200
    refused = web.post("/test/hold", headers={"Accept-Language": "fr"})
    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    page = refused.get_data(as_text=True)
    assert '<html lang="fr"' in page
    assert refused.mimetype == "text/html"
    dutch = web.post("/test/hold").get_data(as_text=True)
    assert '<html lang="nl"' in dutch
    assert "Probeer het over 1 minuut opnieuw." in dutch
    assert "gegevens zijn niet verloren" in dutch


def test_the_api_gets_json_in_its_own_error_shape(web):
    for _ in range(2):
        assert web.post("/api/v1/test/book").status_code == 200
    refused = web.post("/api/v1/test/book", headers={"Accept-Language": "nl"})
    assert refused.status_code == 429
    assert refused.mimetype == "application/json"
    assert 0 < int(refused.headers["Retry-After"]) <= 60
    error = refused.json["error"]
    assert error["code"] == "rate_limited"
    assert "1 minuut" in error["message"]
    assert set(error) <= {"code", "message", "parameter"}


def test_the_key_is_the_connection_not_a_forwarded_header_and_ipv6_counts_by_64(web):
    for number in range(3):
        headers = {"X-Forwarded-For": f"198.51.100.{number}"}
        assert web.post("/test/hold", headers=headers).status_code == 200
    assert web.post("/test/hold", headers={"X-Forwarded-For": "9.9.9.9"}).status_code == 429
    assert web.post("/test/hold", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 200
    # An IPv6 household (one /64) counts as one client.
    statuses = [
        web.post("/test/hold", environ_base={"REMOTE_ADDR": address}).status_code
        for address in ("2001:db8:0:7::1", "2001:db8:0:7::2", "2001:db8:0:7::3", "2001:db8:0:7::f")
    ]
    assert statuses == [200, 200, 200, 429]
    assert web.post("/test/hold", environ_base={"REMOTE_ADDR": "2001:db8::1"}).status_code == 200


def test_limits_are_off_when_the_app_says_so(web, antibot_app):
    antibot_app.config["RATELIMIT_ENABLED"] = False
    try:
        for _ in range(10):
            assert web.post("/test/hold").status_code == 200
    finally:
        antibot_app.config["RATELIMIT_ENABLED"] = True
    limiter.reset()
    # Another app built with the limits off leaves this one's limits on.
    other = create_app(
        {"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": SECRET, "RATELIMIT_ENABLED": False}
    )
    assert other.config["RATELIMIT_ENABLED"] is False
    assert [web.post("/test/hold").status_code for _ in range(4)] == [200, 200, 200, 429]


def test_rate_limited_page_keeps_working_without_a_breach_window():
    """The handler also answers a plain ``abort(429)`` (no limiter window to read)."""
    from flask import abort

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "x"})
    app.add_url_rule("/busy", "busy", lambda: abort(429))
    response = app.test_client().get("/busy")
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "60"
