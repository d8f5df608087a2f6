"""Signing staff in with Flask's test client, one app context per request."""

from __future__ import annotations

from flask.testing import FlaskClient

from portal.demo.data import DEMO_ACCOUNTS, DEMO_PASSWORD
from tests.web.booking_helpers import csrf_of

# The demo's account of each role: role → e-mail address (the first listed of a role).
DEMO_EMAILS = {role: email for _team, _index, role, email in reversed(DEMO_ACCOUNTS)}
SIGN_IN = "/medewerkers/aanmelden"


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in an app context of its own, as in
    production: nothing in ``g`` (the signed-in user, the CSRF token) leaks from one
    request, or one client, to the next."""

    def open(self, *args, **kwargs):
        """Send the request inside a fresh app context."""
        with self.application.app_context():
            return super().open(*args, **kwargs)


def new_client(app) -> IsolatedClient:
    """A fresh browser for ``app``: no cookies, nobody signed in."""
    return IsolatedClient(app, app.response_class, use_cookies=True)


def sign_in(client, email: str, password: str = DEMO_PASSWORD):
    """Post the sign-in form like a browser (CSRF token from the page); the response."""
    page = client.get(SIGN_IN).get_data(as_text=True)
    return client.post(
        SIGN_IN, data={"csrf_token": csrf_of(page), "email": email, "password": password}
    )


def signed_in(app, role: str) -> IsolatedClient:
    """A client signed in with the demo account of ``role``."""
    client = new_client(app)
    response = sign_in(client, DEMO_EMAILS[role])
    assert response.status_code == 302, response.get_data(as_text=True)
    return client


def form_token(client, path: str) -> str:
    """The CSRF token of the first form on the page at ``path``."""
    return csrf_of(client.get(path).get_data(as_text=True))
