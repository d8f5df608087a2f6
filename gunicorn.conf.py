"""gunicorn's settings for the portal: ``gunicorn -c gunicorn.conf.py wsgi:app``.

What ``make serve`` and ``deploy/portal.service`` run. Every value can be changed from
the environment without editing this file:

| variable | default | |
| --- | --- | --- |
| ``PORTAL_BIND`` | ``127.0.0.1:$PORT`` (``PORT``: 8000) | where to listen (nginx proxies) |
| ``PORTAL_WEB_WORKERS`` | 2 × cores + 1 | processes |
| ``PORTAL_WEB_THREADS`` | 4 | threads per process (gthread workers) |
| ``PORTAL_WEB_TIMEOUT`` | 30 | seconds a request may take before its worker is replaced |
| ``PORTAL_WEB_GRACEFUL_TIMEOUT`` | 30 | seconds running requests get to finish on stop/reload |
| ``PORTAL_WEB_MAX_REQUESTS`` | 2000 | a worker is renewed after this many requests (0: never) |
| ``PORTAL_WEB_PRELOAD`` | false | build the app once in the master before forking |

Each worker holds up to ``threads`` database connections from its pool (SQLAlchemy's
default pool keeps 5, with 10 more on demand), so one server opens at most about
workers × threads connections to PostgreSQL: keep the sum over all servers under the
database's ``max_connections``.
"""

from __future__ import annotations

import os


def _int_from_env(name: str, default: int) -> int:
    """An integer setting from the environment, ``default`` when unset or empty."""
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


def _cores() -> int:
    """The cores this process may use (a container's or systemd's CPU limit included)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


wsgi_app = "wsgi:app"
bind = os.environ.get("PORTAL_BIND") or f"127.0.0.1:{_int_from_env('PORT', 8000)}"

# Sync requests that wait on the database: a few processes per core, a few threads each.
workers = _int_from_env("PORTAL_WEB_WORKERS", 2 * _cores() + 1)
threads = _int_from_env("PORTAL_WEB_THREADS", 4)
worker_class = "gthread" if threads > 1 else "sync"

# A request that takes longer than this is stuck: its worker is killed and replaced.
timeout = _int_from_env("PORTAL_WEB_TIMEOUT", 30)
# On SIGTERM (systemctl stop/restart) or SIGHUP (reload) running requests may finish.
graceful_timeout = _int_from_env("PORTAL_WEB_GRACEFUL_TIMEOUT", 30)
# nginx keeps connections to the portal open between requests (see deploy/nginx.conf).
keepalive = 5
# Renew workers now and then (spread by the jitter), so no slow leak lives for months.
max_requests = _int_from_env("PORTAL_WEB_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10

# False by default: every worker builds its own app after the fork, so no database or
# Redis connection is ever shared between processes, and a reload (SIGHUP) loads new
# code. True saves memory and start-up time per worker.
preload_app = os.environ.get("PORTAL_WEB_PRELOAD", "").strip().lower() in {"1", "true", "yes"}

# Logs to stdout/stderr: systemd's journal (or the container runtime) keeps them.
# The access log names the method, path (tokens masked), status, size and duration in
# microseconds; not the query string nor the client's address (personal data; nginx's
# own log has it, for as long as the city keeps that log).
accesslog = "-"
errorlog = "-"
logger_class = "portal.ops.access_log.RedactingLogger"  # masks tokens in paths
loglevel = os.environ.get("PORTAL_WEB_LOG_LEVEL", "info")
access_log_format = '"%(m)s %(U)s %(H)s" %(s)s %(B)s %(D)sus'

# gunicorn itself trusts no X-Forwarded-* header: the portal's ProxyFix does, for exactly
# PORTAL_TRUSTED_PROXIES proxies (portal/ops/proxy.py). Two places deciding whom to
# believe would disagree as soon as one of them is changed.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}

# Request size limits at the door (nginx applies its own first): a request line of at
# most 16 kB, so that the portal itself answers an address between 6,000 characters
# (portal/request_limits.py) and 16 kB with its 414 page in the reader's language; at
# most 100 headers of at most 8 kB each.
limit_request_line = 16384
limit_request_fields = 100
limit_request_field_size = 8190

proc_name = "stadhuis-portal"
# No control socket (gunicorn 25+ opens one in ~/.gunicorn/): systemd's signals are enough,
# the service has no writable home, and two servers on one machine would share its path.
control_socket_disable = True
