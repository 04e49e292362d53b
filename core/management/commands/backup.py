"""``manage.py backup [--to FOLDER] [--keep N]``: one archive of the database and the media
folder, with a SHA-256 manifest (``core.backup``).

Prints the archive's path. ``--keep N`` then deletes all but the newest N backups in the
folder (a nightly cron job or systemd timer keeps a week with ``--keep 7``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import BackupError, backup_prune, backup_write


class Command(BaseCommand):
    help = "Write a backup archive of the database and the media folder."

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument(
            "--to",
            type=Path,
            default=None,
            help="The folder to write it into (default: DOJO_VAR_DIR/backups).",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=0,
            help="Then delete all but the newest N backups in that folder (default: keep all).",
        )

    def handle(self, *args: Any, to: Path | None, keep: int, **options: Any) -> None:
        if keep < 0:
            raise CommandError("--keep takes a number of backups, 1 or more (0: keep all).")
        folder = to or Path(settings.VAR_DIR) / "backups"
        try:
            archive = backup_write(folder)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(str(archive))
        for old in backup_prune(folder, keep=keep) if keep else []:
            self.stdout.write(f"Deleted the older backup {old.name}.")
