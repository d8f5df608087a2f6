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

    from . import cache_generation, i18n, locale_text, spoken_languages
    from .extensions import csrf, db, migrate

    db.init_app(app)
    cache_generation.init_app(app)  # in-memory caches learn of every process's commits
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    i18n.init_app(app)
    locale_text.init_app(app)
    spoken_languages.init_app(app)

    from . import (
        models,  # noqa: F401 - register the tables with the metadata
        routes,  # noqa: F401 - attaches every page and API route to its blueprint
    )
    from .antibot import init_antibot
    from .api import blueprint as api_blueprint
    from .booking import blueprint as booking_blueprint
    from .errors import register_error_handlers
    from .public import blueprint as public_blueprint
    from .request_limits import init_request_limits

    app.register_blueprint(public_blueprint)
    app.register_blueprint(booking_blueprint)
    app.register_blueprint(api_blueprint, url_prefix="/api/v1")
    csrf.exempt(api_blueprint)
    register_error_handlers(app)
    init_request_limits(app)  # no over-long address reaches a page
    init_antibot(app)

    from .ops import init_ops

    init_ops(app)  # ProxyFix (PORTAL_TRUSTED_PROXIES), /healthz and /readyz

    from .security import init_security

    init_security(app)

    from .staff import init_staff

    init_staff(app)

    from .notifications import register_after_request_delivery

    register_after_request_delivery(app)

    from .devmail import init_devmail

    init_devmail(app)

    from .cli import register_commands

    register_commands(app)
    return app
