"""Stadhuis op afspraak: the appointment portal of a Belgian city hall."""

from __future__ import annotations

import os

from flask import Flask

from . import config as portal_config
from .config import PROJECT_ROOT


def create_app(config: dict | None = None) -> Flask:
    """Build the portal: configuration, extensions, blueprints, error pages and CLI.

    ``config`` overrides everything else (tests pass their database URL this way).
    """
    app = Flask(
        __name__,
        instance_path=os.environ.get("PORTAL_INSTANCE_PATH", str(PROJECT_ROOT / "instance")),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    portal_config.apply(app, config)
    app.jinja_env.add_extension("jinja2.ext.do")

    from . import i18n, locale_text, spoken_languages
    from .extensions import csrf, db, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    i18n.init_app(app)
    locale_text.init_app(app)
    spoken_languages.init_app(app)

    from . import models  # noqa: F401 - register the tables with the metadata
    from .antibot import init_antibot
    from .api import blueprint as api_blueprint
    from .booking import blueprint as booking_blueprint
    from .errors import register_error_handlers
    from .public import blueprint as public_blueprint

    app.register_blueprint(public_blueprint)
    app.register_blueprint(booking_blueprint)
    app.register_blueprint(api_blueprint, url_prefix="/api/v1")
    csrf.exempt(api_blueprint)
    register_error_handlers(app)
    init_antibot(app)

    from . import dossiers  # noqa: F401 - nests its blueprint in the staff workspace's
    from .interpreters import pages  # noqa: F401 - nests its blueprint in the workspace's
    from .staff import init_staff

    init_staff(app)

    from .notifications import register_after_request_delivery

    register_after_request_delivery(app)

    from .devmail import init_devmail

    init_devmail(app)

    from .cli import register_commands

    register_commands(app)
    return app
