"""``manage.py error_pages [--check]``: write nginx's static error pages to ``static/errors/``.

The page for a request larger than nginx takes (413) is rendered from
``templates/errors/413.html`` in every language of the portal, with the limit of
``MAX_UPLOAD_BYTES``. Run it after changing that template or its translations (``make
catalogues`` first); ``--check`` only says whether the file is up to date (CI).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.error_pages import PAGES, render_page


class Command(BaseCommand):
    help = "Write nginx's static error pages (static/errors/) in every language."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--check", action="store_true", help="Only check they are current.")

    def handle(self, *args: Any, check: bool, **options: Any) -> None:
        stale = []
        for name in PAGES:
            path = Path(settings.BASE_DIR) / "static" / "errors" / name
            page = render_page(name)
            if path.exists() and path.read_text(encoding="utf-8") == page:
                continue
            stale.append(path)
            if not check:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(page, encoding="utf-8")
                self.stdout.write(f"Wrote {path}.")
        if check and stale:
            names = ", ".join(str(path) for path in stale)
            raise CommandError(f"Out of date: {names}. Run manage.py error_pages.")
