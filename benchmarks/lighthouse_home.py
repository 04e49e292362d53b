"""Benchmark: Lighthouse on the parent's home page, on a phone (issue 17).

Builds the demo school in a throwaway folder (the embedded default: SQLite and the file cache),
with production settings (``DJANGO_DEBUG=false``, static files collected and compressed by
WhiteNoise), serves it with gunicorn on 127.0.0.1, signs the demo parent in (a session made in
the database, sent as a cookie), and runs the ``lighthouse`` npm package (a devDependency: ``npm
ci``) with Debian's Chromium on its default mobile profile (a mid-range phone, simulated 4G)
``--rounds`` times. Reports the median performance and accessibility scores, the failing
accessibility audits, the largest contentful paint and total blocking time, and the critical
path: what the page needs before it can show anything (the document, its stylesheets and
scripts), compressed as sent. Targets: performance ≥ 95, accessibility 100, critical path
under 50 KB. Exits 1 when a target is missed.

Needs ``/usr/bin/chromium`` (or ``CHROME_PATH``) and ``node_modules/.bin/lighthouse``; without
them the script says so and exits 0 (``make benchmark`` runs every script here).
Run: ``.venv/bin/python benchmarks/lighthouse_home.py [--rounds 3] [--keep report.json]``.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CRITICAL_TYPES = {"Document", "Stylesheet", "Script"}
TARGETS = {"performance": 95, "accessibility": 100}
CRITICAL_LIMIT = 50 * 1024

SESSION = """
import os
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dojo_portal.settings")
django.setup()
from django.conf import settings
from django.test import Client
from accounts.models import User
from demo.people import PARENT_EMAIL
client = Client()
client.force_login(User.objects.get(email=PARENT_EMAIL))
print(settings.SESSION_COOKIE_NAME + "=" + client.cookies[settings.SESSION_COOKIE_NAME].value)
"""


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)  # noqa: S603 - fixed arguments


def _environment(folder: Path) -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        DOJO_VAR_DIR=str(folder),
        DJANGO_DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(40),
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_SSL_REDIRECT="false",
    )
    return env


def _wait_for(url: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(120):
        if server.poll() is not None:
            raise SystemExit("gunicorn stopped before it answered")
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own server on 127.0.0.1
            return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer")


def _lighthouse(url: str, cookie: str, folder: Path, round_: int) -> dict[str, Any]:
    headers = folder / "headers.json"
    headers.write_text(json.dumps({"Cookie": cookie}))
    report = folder / f"report-{round_}.json"
    subprocess.run(  # noqa: S603 - fixed arguments
        [
            str(LIGHTHOUSE),
            url,
            "--only-categories=performance,accessibility",
            "--output=json",
            f"--output-path={report}",
            f"--extra-headers={headers}",
            "--chrome-flags=--headless --no-sandbox --disable-gpu --no-first-run "
            "--disable-background-networking --disable-component-update --disable-sync",
            "--quiet",
        ],
        cwd=ROOT,
        env={**os.environ, "CHROME_PATH": CHROME},
        check=True,
    )
    result: dict[str, Any] = json.loads(report.read_text())
    return result


def _critical_bytes(report: dict[str, Any]) -> tuple[int, list[str]]:
    """The compressed bytes of the document, its stylesheets and scripts, as sent."""
    items = report["audits"]["network-requests"]["details"]["items"]
    critical = [item for item in items if item.get("resourceType") in CRITICAL_TYPES]
    names = [
        f"{item['url'].split('/', 3)[-1] or '/'} {item['transferSize']} B" for item in critical
    ]
    return sum(int(item["transferSize"]) for item in critical), names


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    audits = report["audits"]
    failing = [
        audit["id"]
        for ref in report["categories"]["accessibility"]["auditRefs"]
        if (audit := audits[ref["id"]]).get("score") == 0 and ref.get("weight", 0) > 0
    ]
    critical, names = _critical_bytes(report)
    return {
        "performance": round(report["categories"]["performance"]["score"] * 100),
        "accessibility": round(report["categories"]["accessibility"]["score"] * 100),
        "lcp_ms": round(audits["largest-contentful-paint"]["numericValue"]),
        "tbt_ms": round(audits["total-blocking-time"]["numericValue"]),
        "cls": round(audits["cumulative-layout-shift"]["numericValue"], 3),
        "critical_bytes": critical,
        "critical": names,
        "failing_accessibility": failing,
        "final_url": report.get("finalDisplayedUrl") or report.get("finalUrl"),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="Copy the last Lighthouse report (JSON) here.")
    options = parser.parse_args()
    if not LIGHTHOUSE.exists() or not shutil.which(CHROME):
        print(f"Needs {LIGHTHOUSE} (npm ci) and Chromium at {CHROME}: skipped.")
        return 0
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as name:
        folder = Path(name)
        env = _environment(folder)
        _manage(env, "migrate", "--verbosity=0")
        _manage(env, "collectstatic", "--noinput", "--verbosity=0")
        _manage(env, "seed_demo", "--allow-production", "--verbosity=0")
        print("Demo school built; signing the demo parent in.")
        cookie = subprocess.run(  # noqa: S603 - fixed arguments
            [sys.executable, "-c", SESSION],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        port = _free_port()
        server = subprocess.Popen(  # noqa: S603 - fixed arguments
            [
                sys.executable,
                "-m",
                "gunicorn",
                "dojo_portal.wsgi",
                "-b",
                f"127.0.0.1:{port}",
                "-w",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            url = f"http://127.0.0.1:{port}/"
            _wait_for(url + "healthz", server)
            runs = [_summary(_lighthouse(url, cookie, folder, n)) for n in range(options.rounds)]
            if options.keep:
                shutil.copy(folder / f"report-{options.rounds - 1}.json", options.keep)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return _report(runs)


def _report(runs: list[dict[str, Any]]) -> int:
    last = runs[-1]
    print(f"Parent home ({last['final_url']}), Lighthouse mobile profile, {len(runs)} runs:")
    for key in ("performance", "accessibility", "lcp_ms", "tbt_ms", "cls", "critical_bytes"):
        values = [run[key] for run in runs]
        print(f"  {key:16} median {statistics.median(values)}  (runs: {values})")
    print("  critical path: " + "; ".join(last["critical"]))
    if last["failing_accessibility"]:
        print("  failing accessibility audits: " + ", ".join(last["failing_accessibility"]))
    missed = [
        key for key, target in TARGETS.items() if statistics.median(r[key] for r in runs) < target
    ]
    if statistics.median(run["critical_bytes"] for run in runs) >= CRITICAL_LIMIT:
        missed.append("critical path")
    if missed:
        print("Missed: " + ", ".join(missed))
        return 1
    print("All targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
