"""Running the portal in production: proxy headers, health checks, the production
settings check and the lock that runs a periodic job once across servers.

:func:`init_ops` wires what belongs to the web app; :mod:`.production` is called from the
configuration and :mod:`.job_lock` from the ``flask`` commands.
"""

from __future__ import annotations

from flask import Flask


def init_ops(app: Flask) -> None:
    """Trust the configured proxies and serve ``/healthz`` and ``/readyz``.

    Called after the rate limiter and CSRF protection are wired, so the health checks can
    be exempted from both (a load balancer probes them every few seconds, without a form).
    """
    from ..antibot import limiter
    from ..extensions import csrf
    from .health import blueprint as health_blueprint
    from .proxy import apply_proxy_fix

    apply_proxy_fix(app)
    app.register_blueprint(health_blueprint)
    csrf.exempt(health_blueprint)
    limiter.exempt(health_blueprint)
