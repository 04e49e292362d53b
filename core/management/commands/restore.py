"""``manage.py restore ARCHIVE [--force] [--check]``: put a backup back (``core.backup``).

Into an empty database (``manage.py migrate`` not run yet) and an empty media folder, unless
``--force``. ``--check`` only checks the archive, changing nothing. The whole archive is
checked against its manifest first: a damaged one is refused and nothing is changed.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_check, backup_restore


class Command(BaseCommand):
    help = "Restore a backup archive into an empty database and media folder."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("archive", type=Path, help="A file that `manage.py backup` wrote.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Restore over a database with tables and a media folder with files, "
            "replacing them.",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only check the archive against its manifest; change nothing.",
        )

    def handle(self, *args: Any, archive: Path, force: bool, check: bool, **options: Any) -> None:
        try:
            if check:
                manifest = backup_check(archive)
                self.stdout.write(
                    f"{archive} is whole: a {manifest.vendor} database and "
                    f"{len(manifest.files) - 1} media files, made {manifest.created}."
                )
                return
            restored = backup_restore(archive, force=force)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored the {restored.vendor} database and {restored.media_files} media files "
            f"from {archive}. Next: manage.py migrate (a backup of an older version is brought "
            "up to date), then start the portal."
        )
