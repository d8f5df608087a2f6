"""`make run` serves on port 5000, or on PORT when given, and the links in the mails
(PORTAL_BASE_URL) follow the port unless PORTAL_BASE_URL is set (issue 16, item 8)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _dry_run(**env: str) -> str:
    """The commands `make run` would run (nothing is run: ``make -n``)."""
    clean = {key: value for key, value in os.environ.items() if key not in {"PORT", "MAKEFLAGS"}}
    result = subprocess.run(
        ["make", "-n", "run"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_run_takes_a_port_and_the_mail_links_follow():
    default = _dry_run()
    assert "--port 5000" in default and "http://127.0.0.1:5000" in default
    moved = _dry_run(PORT="5050")
    assert "--port 5050" in moved
    assert 'PORTAL_BASE_URL="${PORTAL_BASE_URL:-http://127.0.0.1:5050}"' in moved
    assert "5000" not in moved
