"""The developer's mailbox: with ``make run`` mails are written to ``instance/mail/`` as
.eml files; ``/dev/mail`` lists them so a developer can open the links in them.

Only registered when ``DEV_MAILBOX`` is on and mail goes to files, never in production.
"""

from __future__ import annotations

import re
from email import policy
from email.parser import BytesParser
from pathlib import Path

from flask import Blueprint, abort, current_app, render_template

blueprint = Blueprint("devmail", __name__, url_prefix="/dev/mail")

NAME = re.compile(r"^[\w.-]+\.eml$")
LINK = re.compile(r"https?://[^\s<>\"]+")


def _folder() -> Path:
    return Path(current_app.config["MAIL_DIRECTORY"])


def _read(path: Path):
    with path.open("rb") as handle:
        return BytesParser(policy=policy.default).parse(handle)


@blueprint.get("")
def inbox():
    """The newest mails first: when, to whom, what about."""
    folder = _folder()
    files = sorted(folder.glob("*.eml"), reverse=True)[:100] if folder.is_dir() else []
    mails = [(path.name, _read(path)) for path in files]
    return render_template("dev/inbox.html", mails=mails, folder=folder)


@blueprint.get("/<name>")
def message(name: str):
    """One mail: its text, the links in it, and its attachments' names."""
    path = _folder() / name
    if not NAME.match(name) or not path.is_file():
        abort(404)
    mail = _read(path)
    body = mail.get_body(preferencelist=("plain",))
    text = body.get_content() if body is not None else ""
    attachments = [part.get_filename() for part in mail.iter_attachments() if part.get_filename()]
    return render_template(
        "dev/message.html",
        name=name,
        mail=mail,
        text=text,
        links=list(dict.fromkeys(LINK.findall(text))),
        attachments=attachments,
    )


def init_devmail(app) -> None:
    """Serve the developer's mailbox when mails go to files and DEV_MAILBOX is on."""
    if app.config.get("DEV_MAILBOX") and app.config.get("MAIL_BACKEND") == "file":
        app.register_blueprint(blueprint)
