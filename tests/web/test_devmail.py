"""The developer's mailbox of `make run`: mails as files, listed at /dev/mail."""

from __future__ import annotations

from email.message import EmailMessage

from portal import create_app
from portal.notifications.transport import send_message


def test_the_mailbox_lists_and_shows_mails_written_to_files(app, tmp_path):
    config = {
        "TESTING": True,
        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "SECRET_KEY": "test-secret",
        "MAIL_BACKEND": "file",
        "MAIL_DIRECTORY": str(tmp_path),
        "DEV_MAILBOX": True,
    }
    developer = create_app(config)
    message = EmailMessage()
    message["To"] = "anna@example.org"
    message["Subject"] = "Bevestig uw afspraak"
    message.set_content("Open http://127.0.0.1:5000/afspraak/beheer/abc om te bevestigen.")
    send_message(developer.config, "anna@example.org", message.as_string(), mail_id=7)

    client = developer.test_client()
    inbox = client.get("/dev/mail")
    assert inbox.status_code == 200
    (name,) = [path.name for path in tmp_path.glob("*.eml")]
    assert name in inbox.text and "Bevestig uw afspraak" in inbox.text
    shown = client.get(f"/dev/mail/{name}")
    assert 'href="http://127.0.0.1:5000/afspraak/beheer/abc"' in shown.text
    assert client.get("/dev/mail/..%2Fsecret_key").status_code == 404
    assert client.get("/dev/mail/nothing.eml").status_code == 404


def test_there_is_no_mailbox_in_production(client):
    assert client.get("/dev/mail").status_code == 404
