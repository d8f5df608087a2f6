"""Two real gunicorn servers (2 workers each) on one PostgreSQL and one Redis, as a city
runs them at election time: a booking storm split over both books exactly the capacity,
nothing answers 5xx, and the rate limits count the requests of both servers together.

The servers run with ``PORTAL_ENV=production`` (no file of their own: the instance folder
is never created), one trusted proxy (``X-Forwarded-For`` gives each client its address)
and the access log that masks tokens. Needs PostgreSQL (``PORTAL_TEST_DATABASE_URL``)
and Redis on 127.0.0.1:6379; under ``CI=true`` a missing Redis fails the test.
"""

from __future__ import annotations

import http.client
import json
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.models import Appointment
from portal.timeutil import local_today, utcnow
from tests.builders import build_city
from tests.conftest import RUN_ID, _database, make_app

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("PORTAL_TEST_DATABASE_URL"), reason="needs PORTAL_TEST_DATABASE_URL"
    ),
]

CLIENTS = 40
CLERKS = 2
TIMES = 3  # the storm fights over three times of one day: capacity CLERKS × TIMES
STORM_KEY = "storm-" + secrets.token_hex(8)
PROBE_KEY = "probe-" + secrets.token_hex(8)
# Above the storm's requests on its key (40 holds + 6 bookings), below the probes.
API_LIMIT = 50
REDIS = ("127.0.0.1", 6379)
START_TIMEOUT = 40


def _redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def call(port: int, method: str, path: str, body=None, headers=None) -> tuple[int, dict]:
    """One request on a fresh connection: (status, JSON body or {})."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        payload = json.dumps(body) if body is not None else None
        all_headers = {"Content-Type": "application/json", **(headers or {})}
        connection.request(method, path, body=payload, headers=all_headers)
        response = connection.getresponse()
        data = response.read()
        try:
            return response.status, json.loads(data) if data else {}
        except ValueError:
            return response.status, {}
    finally:
        connection.close()


@pytest.fixture
def redis_prefix():
    """A key prefix of this run's own in Redis; its keys are deleted afterwards."""
    if not _redis_answers():
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true needs Redis on 127.0.0.1:6379")
        pytest.skip("no Redis on 127.0.0.1:6379")
    import redis

    prefix = f"portal-test-{RUN_ID}-{secrets.token_hex(4)}"
    yield prefix
    client = redis.Redis(*REDIS)
    keys = list(client.scan_iter(match=f"*{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def city(tmp_path_factory):
    """(database URL, service id): a PostgreSQL schema of its own, migrated, with one
    service and two clerks at the counter for three weeks from today (the servers run
    on the real clock)."""
    url, cleanup = _database("postgres", "servers", tmp_path_factory)
    app = make_app(url)
    with app.app_context():
        today = local_today(utcnow())
        built = build_city(db.session, today, today + timedelta(days=21), staff_count=CLERKS)
        service_id = built.service.id
        db.session.commit()
    yield app, url, service_id
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    cleanup()


@pytest.fixture
def two_servers(city, redis_prefix, tmp_path):
    """Two gunicorn servers on free ports, ready (``/readyz`` 200); stopped afterwards."""
    _app, url, _service = city
    environment = {
        **{name: value for name, value in os.environ.items() if not name.startswith("PORTAL_")},
        "PORTAL_ENV": "production",
        "PORTAL_SECRET_KEY": secrets.token_urlsafe(48),
        "PORTAL_DATABASE_URL": url,
        "PORTAL_REDIS_URL": f"redis://{REDIS[0]}:{REDIS[1]}/0",
        "PORTAL_RATELIMIT_KEY_PREFIX": redis_prefix,
        "PORTAL_BASE_URL": "https://afspraken.test.example",
        "PORTAL_TRUSTED_PROXIES": "1",
        "PORTAL_API_KEYS": json.dumps({"formulieren": STORM_KEY, "proef": PROBE_KEY}),
        "PORTAL_RATELIMIT_API": f"{API_LIMIT} per hour",
        "PORTAL_MAIL_SEND_AFTER_REQUEST": "false",
        "PORTAL_INSTANCE_PATH": str(tmp_path / "instance"),
        "PORTAL_WEB_WORKERS": "2",
        "PORTAL_WEB_THREADS": "4",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    servers = []
    try:
        for number in range(2):
            port = _free_port()
            log = (tmp_path / f"server-{number}.log").open("wb")
            process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py"],
                cwd=PROJECT_ROOT,
                env={**environment, "PORTAL_BIND": f"127.0.0.1:{port}"},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            servers.append((process, port, log, tmp_path / f"server-{number}.log"))
        for process, port, _log, log_path in servers:
            _wait_until_ready(process, port, log_path)
        yield [port for _process, port, _log, _path in servers], [path for *_, path in servers]
    finally:
        for process, _port, _log, _path in servers:
            process.terminate()  # gunicorn's master stops its workers gracefully
        for process, _port, log, _path in servers:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
            log.close()
    assert not (tmp_path / "instance").exists(), "a production server wrote a local file"


def _wait_until_ready(process, port: int, log_path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"server on {port} stopped:\n{log_path.read_text()[-3000:]}")
        try:
            status, body = call(port, "GET", "/readyz")
            if status == 200:
                assert body["checks"] == {"database": "ok", "migrations": "ok", "redis": "ok"}
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"server on {port} not ready:\n{log_path.read_text()[-3000:]}")


def _contested_times(port: int, service_id: int) -> list[str]:
    """The first TIMES free, non-overlapping times of the first bookable day from
    tomorrow, each one open to every clerk."""
    tomorrow = local_today(utcnow()) + timedelta(days=1)
    path = f"/api/v1/services/{service_id}/days?from={tomorrow}&to={tomorrow + timedelta(13)}"
    status, body = call(port, "GET", path)
    assert status == 200 and body["days"], body
    day = date.fromisoformat(body["days"][0])
    status, body = call(port, "GET", f"/api/v1/services/{service_id}/slots?date={day}")
    assert status == 200, body
    chosen, last_end = [], None
    for slot in body["slots"]:
        start, end = datetime.fromisoformat(slot["start"]), datetime.fromisoformat(slot["end"])
        if slot["capacity"] == CLERKS and (last_end is None or start >= last_end):
            chosen.append(slot["start"])
            last_end = end
        if len(chosen) == TIMES:
            return chosen
    pytest.fail(f"fewer than {TIMES} free times on {day}: {body}")


def _storm(ports: list[int], service_id: int, times: list[str]) -> list[tuple]:
    """CLIENTS form-engine clients at once: each holds one of ``times`` on one server and
    books it on the other. Returns (time, hold status, hold code, book status, manage
    token) each."""
    barrier = threading.Barrier(CLIENTS)
    outcomes: list[tuple] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        start = times[number % len(times)]
        holding, booking = ports[number % 2], ports[(number + 1) % 2]
        headers = {"X-API-Key": STORM_KEY, "X-Forwarded-For": f"203.0.113.{number + 1}"}
        outcome: tuple = (start, 0, "", 0, "")
        try:
            barrier.wait(timeout=60)
            body = {"service_ids": [service_id], "persons": 1, "start": start}
            status, answer = call(holding, "POST", "/api/v1/holds", body, headers)
            code = answer.get("error", {}).get("code", "")
            booked, token = 0, ""
            if status == 201:
                details = {
                    "hold": answer["hold"]["token"],
                    "name": f"Bewoner {number}",
                    "email": f"bewoner{number}@example.org",
                }
                booked, visit = call(booking, "POST", "/api/v1/appointments", details, headers)
                token = visit.get("manage_token", "")
            outcome = (start, status, code, booked, token)
        except Exception as error:  # any other outcome fails the test below
            outcome = (start, 0, repr(error), 0, "")
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def _statuses_alternating(ports, requests: int, headers: dict) -> Counter:
    """``requests`` hold attempts (an empty body) alternating between the servers."""
    statuses: Counter = Counter()
    for number in range(requests):
        status, _ = call(ports[number % 2], "POST", "/api/v1/holds", {}, headers)
        statuses[status] += 1
    return statuses


def test_two_servers_book_exactly_the_capacity_and_share_the_limits(city, two_servers):
    app, _url, service_id = city
    ports, logs = two_servers
    times = _contested_times(ports[0], service_id)

    outcomes = _storm(ports, service_id, times)
    assert len(outcomes) == CLIENTS, outcomes
    assert all(hold in (201, 409) for _start, hold, *_rest in outcomes), outcomes
    assert all(code == "slot_taken" for _s, hold, code, *_ in outcomes if hold == 409), outcomes
    booked = [start for start, hold, _code, book, _token in outcomes if book == 201]
    assert [book for _s, hold, _c, book, _t in outcomes if hold == 201] == [201] * len(booked)
    assert Counter(booked) == dict.fromkeys(times, CLERKS), outcomes
    with app.app_context():
        active = db.session.scalar(
            select(func.count()).select_from(Appointment).where(Appointment.filter_active(utcnow()))
        )
        db.session.remove()
    assert active == CLERKS * TIMES

    # The storm's key used 46 of its 50; another key has all 50, counted over both servers
    # (per process or per server, 4 workers would let 4 × 50 through).
    probe = _statuses_alternating(ports, API_LIMIT + 10, {"X-API-Key": PROBE_KEY})
    assert probe[429] == 10, probe
    assert sum(probe.values()) - probe[429] == API_LIMIT
    assert not any(status >= 500 for status in probe), probe
    # Without a key, the limit counts per client address — the one nginx forwarded.
    first = _statuses_alternating(ports, API_LIMIT + 4, {"X-Forwarded-For": "198.51.100.1"})
    assert (first[401], first[429]) == (API_LIMIT, 4), first
    other = _statuses_alternating(ports, 2, {"X-Forwarded-For": "198.51.100.2"})
    assert other == {401: 2}, other

    # A manage token opens the visit on either server, and stays out of the access log.
    token = next(token for *_rest, token in outcomes if token)
    for port in ports:
        status, answer = call(port, "GET", f"/api/v1/appointments/{token}")
        assert status == 200, answer
    text = "".join(path.read_text() for path in logs)
    assert '"POST /api/v1/holds HTTP/1.1" 201' in text
    assert '"GET /api/v1/appointments/[token] HTTP/1.1" 200' in text
    assert token not in text
    assert " 500 " not in text and "Traceback" not in text, text[-3000:]
