"""Browser-side security of the portal: the headers of every response
(:mod:`.headers`) and the endpoint where browsers report policy violations
(:mod:`.reports`)."""

from __future__ import annotations

from flask import Flask

from .headers import csp_nonce, init_security_headers

__all__ = ["csp_nonce", "init_security"]


def init_security(app: Flask) -> None:
    """Give every response of ``app`` its security headers and serve the CSP report
    endpoint."""
    from .reports import blueprint

    init_security_headers(app)
    app.register_blueprint(blueprint)
