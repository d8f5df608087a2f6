"""Serving benchmark: requests per second of the resident's pages and the read API on
gunicorn, beside Flask's own hello world on the very same server settings in the same run.

Loads the demo city into a new database (``flask db upgrade`` + ``flask demo``; a new
SQLite file in a temporary folder unless ``--database`` names a PostgreSQL URL whose
schema is empty), starts gunicorn with 2 sync workers for a one-line hello world and for
the portal, one after the other, and loads each URL with ``wrk`` (16 connections, 10 s):

    .venv/bin/python bench/serving.py [--database URL] [--rounds 2] [--seconds 10]

Prints requests/s per URL and per round, the range over the rounds and the ratio to hello
world. Without ``wrk`` on the PATH a Python load generator (threads, keep-alive
http.client) stands in; its ceiling is lower, so compare only figures of one generator.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time as clock
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONNECTIONS = 16
WARM_UP_SECONDS = 2
WORKERS = 2

HELLO_APP = '''from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello():
    return "Hello, World!"
'''

# The same settings for both servers: sync workers, no access log (it is a file write per
# request that neither server needs here).
GUNICORN_CONFIG = f"""workers = {WORKERS}
worker_class = "sync"
threads = 1
accesslog = None
loglevel = "warning"
timeout = 60
"""


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load_demo(env: dict) -> None:
    """Create the schema and load the demo city into ``env``'s database."""
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run(
            [str(BIN / "flask"), "--app", "portal", *command],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
        )


class Server:
    """A gunicorn serving ``target`` (module:app) from ``folder`` until stopped."""

    def __init__(self, target: str, folder: Path, env: dict, config: Path):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--config",
                str(config),
                "--chdir",
                str(folder),
                "--bind",
                f"127.0.0.1:{self.port}",
                target,
            ],
            env=env,
            cwd=folder,
        )
        self.base = f"http://127.0.0.1:{self.port}"
        deadline = clock.monotonic() + 60
        while clock.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.base + "/", timeout=5):
                    return
            except OSError:
                clock.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn for {target} did not answer")

    def get_json(self, path: str):
        """GET ``path`` and decode its JSON."""
        with urllib.request.urlopen(self.base + path, timeout=30) as answer:
            return json.load(answer)

    def stop(self) -> None:
        """Stop the server (its master ends the workers)."""
        self.process.terminate()
        self.process.wait(timeout=30)


def run_wrk(url: str, seconds: int) -> tuple[float, int]:
    """Requests/s and the number of non-2xx/3xx answers of ``wrk`` on ``url``."""
    output = subprocess.run(
        ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    return rate, int(errors.group(1)) if errors else 0


def run_python(url: str, seconds: int) -> tuple[float, int]:
    """The fallback load generator: ``CONNECTIONS`` threads with keep-alive connections."""
    host, _, rest = url.removeprefix("http://").partition("/")
    name, _, port = host.partition(":")
    counts, errors = [0] * CONNECTIONS, [0] * CONNECTIONS
    deadline = clock.monotonic() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection(name, int(port), timeout=30)
        while clock.monotonic() < deadline:
            connection.request("GET", "/" + rest)
            answer = connection.getresponse()
            answer.read()
            counts[index] += 1
            errors[index] += answer.status >= 400
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / seconds, sum(errors)


def portal_urls(server: Server) -> list[tuple[str, str]]:
    """The measured URLs: the home page, the month page, the free-days and free-times API
    of the first publicly bookable service with a free day."""
    services = server.get_json("/api/v1/services")["services"]
    for service in services:
        if not service.get("publicly_bookable", True):
            continue
        days = server.get_json(f"/api/v1/services/{service['id']}/days")["days"]
        if days:
            break
    else:
        raise RuntimeError("no publicly bookable service has a free day")
    sid = service["id"]
    return [
        ("home page /", "/"),
        ("month page /afspraak/dag", f"/afspraak/dag?dienst={sid}&personen=1"),
        ("days API", f"/api/v1/services/{sid}/days"),
        ("free-times API", f"/api/v1/services/{sid}/slots?date={days[0]}"),
    ]


def measure(server: Server, urls, seconds: int, load) -> dict[str, float]:
    """Requests/s of every URL on ``server``, after a 2-second warm-up load (so that every
    worker has made its first computation and filled its caches, as in production)."""
    rates = {}
    for label, path in urls:
        urllib.request.urlopen(server.base + path, timeout=30).read()
        load(server.base + path, WARM_UP_SECONDS)
        rate, errors = load(server.base + path, seconds)
        if errors:
            print(f"  warning: {label}: {errors} answers were not 2xx/3xx")
        rates[label] = rate
    return rates


def main() -> None:
    """Load the demo, serve both apps, measure, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="an empty database URL (default: new SQLite file)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="bench-serving-"))
    (folder / "hello.py").write_text(HELLO_APP)
    config = folder / "gunicorn.bench.py"
    config.write_text(GUNICORN_CONFIG)
    env = os.environ | {
        "PORTAL_DATABASE_URL": args.database or f"sqlite:///{folder}/portal.sqlite3",
        "PORTAL_SECRET_KEY": "bench-serving",
        "PORTAL_INSTANCE_PATH": str(folder / "instance"),
        "PORTAL_MAIL_BACKEND": "file",
        "PYTHONPATH": str(ROOT),
    }
    load = run_wrk if shutil.which("wrk") else run_python
    print(f"loading the demo city into {env['PORTAL_DATABASE_URL'].split('@')[-1]} …")
    load_demo(env)
    results: dict[str, list[float]] = {}
    for _ in range(args.rounds):
        server = Server("hello:app", folder, env, config)
        try:
            hello = measure(server, [("hello world", "/")], args.seconds, load)
        finally:
            server.stop()
        server = Server("wsgi:app", ROOT, env, config)
        try:
            rates = measure(server, portal_urls(server), args.seconds, load)
        finally:
            server.stop()
        for label, rate in (hello | rates).items():
            results.setdefault(label, []).append(rate)
    print(
        f"\ngunicorn {WORKERS} sync workers, {load.__name__.removeprefix('run_')} "
        f"{CONNECTIONS} connections, {args.seconds} s per URL, {args.rounds} rounds; "
        f"{os.cpu_count()} cores\n"
    )
    print(f"{'':28}{'requests/s per round':>28}{'range':>18}{'of hello':>10}")
    hello_mean = sum(results["hello world"]) / len(results["hello world"])
    for label, rates in results.items():
        rounds = " ".join(f"{rate:8.0f}" for rate in rates)
        spread = f"{min(rates):.0f}–{max(rates):.0f}"
        share = sum(rates) / len(rates) / hello_mean
        print(f"{label:28}{rounds:>28}{spread:>18}{share:9.1%}")
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
