"""Browser tests: the portal served for real, driven by Debian's Chromium through Playwright.

* :func:`live_server` serves the portal on a fresh SQLite file with the city's demo data
  for the real current date (the browser's clock is not frozen), in a daemon thread.
* :func:`browser` is one Chromium for the whole session, ``/usr/bin/chromium`` (never a
  browser download: no ``playwright install``).

Without Chromium (or Playwright) these tests are skipped on a developer's machine; with
``CI=true`` they must run, so a missing browser is an error there.
"""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

from portal import create_app
from portal.config import PROJECT_ROOT
from portal.extensions import db

CHROMIUM = Path(os.environ.get("PORTAL_TEST_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
IN_CI = os.environ.get("CI") == "true"
# Kept by CI as a test artifact: full-page screenshots of the keyboard bookings.
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"


def _missing(reason: str):
    """Skip on a developer's machine; fail under CI=true, where browser tests must run."""
    if IN_CI:
        pytest.fail(f"CI=true needs the browser tests to run: {reason}", pytrace=False)
    pytest.skip(reason)


class LiveServer:
    """The portal served over HTTP: its address and the app (for reading the database)."""

    def __init__(self, app, server):
        self.app = app
        self.server = server
        self.url = f"http://127.0.0.1:{server.server_port}"

    def __call__(self, path: str) -> str:
        """The absolute URL of ``path``."""
        return self.url + path


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """The demo portal on a fresh SQLite file, served by werkzeug in a daemon thread."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from portal.demo import load_demo
    from portal.timeutil import local_today, utcnow

    path = tmp_path_factory.mktemp("browser") / "portal.sqlite3"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SECRET_KEY": "browser-test-secret",
            # Mails stay in the outbox table, where the tests read the links.
            "MAIL_SEND_AFTER_REQUEST": False,
            "RATELIMIT_ENABLED": False,
            "ALTCHA_MAX_NUMBER": 2000,  # a quick proof of work
        }
    )
    with app.app_context():
        upgrade()
        now = utcnow()
        load_demo(db.session, local_today(now), now)
        db.session.commit()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    live = LiveServer(app, server)
    app.config["BASE_URL"] = live.url
    thread = threading.Thread(target=server.serve_forever, name="live-portal", daemon=True)
    thread.start()
    yield live
    server.shutdown()
    thread.join(timeout=10)
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def browser():
    """One headless Debian Chromium for every browser test."""
    if not CHROMIUM.exists() and not shutil.which(str(CHROMIUM)):
        _missing(f"no Chromium at {CHROMIUM} (apt-get install chromium fonts-noto-core)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser):
    """Open pages in fresh browser contexts (own cookies, so one resident each); all are
    closed after the test."""
    contexts = []

    def open_page(**options):
        context = browser.new_context(
            viewport={"width": 1024, "height": 800}, locale="nl-BE", **options
        )
        context.set_default_timeout(15_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder of the screenshots kept as a test artifact."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
