"""``manage.py vapid_keys``: make the key pair the portal signs its web pushes with (VAPID,
RFC 8292) and print the public key.

The pair is written to ``VAPID_KEY_FILE`` (in the var folder, readable by its owner only),
where the settings find it; ``--env`` prints it as two lines for a ``.env`` file instead. A new
pair makes every existing subscription useless (browsers subscribed with the old public key),
so an existing key file is replaced only with ``--force``.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from py_vapid.utils import b64urlencode

EXISTS = (
    "{path} already holds VAPID keys: nothing written. A new pair stops every device's "
    "notifications until it is turned on again; to make one anyway, add --force."
)
IN_PLACE = "VAPID keys are already in place: nothing written (--if-missing)."
ENVIRONMENT_WINS = (
    "Note: VAPID_PUBLIC_KEY or VAPID_PRIVATE_KEY is set in the environment, and the "
    "environment is used before the key file."
)


def new_key_pair() -> tuple[str, str]:
    """A P-256 key pair as VAPID wants it: the public key as an uncompressed point and the
    private key as its 32-byte number, both base64url without padding."""
    private = ec.generate_private_key(ec.SECP256R1())
    public = private.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return b64urlencode(public), b64urlencode(private.private_numbers().private_value.to_bytes(32))


def write_key_file(path: Path, public: str, private: str) -> None:
    """Write the pair readable by its owner only (0600), replacing the file in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".vapid-")
    try:
        os.fchmod(descriptor, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            json.dump({"public_key": public, "private_key": private}, handle)
            handle.write("\n")
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class Command(BaseCommand):
    help = (
        "Make the key pair that signs web pushes, write it to the key file in the var folder "
        "(VAPID_KEY_FILE) and print the public key."
    )

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--force", action="store_true", help="Replace an existing key file.")
        parser.add_argument(
            "--if-missing",
            action="store_true",
            help="Do nothing when keys are already set (for `make run`).",
        )
        parser.add_argument(
            "--env",
            action="store_true",
            help="Print the two VAPID_* lines for a .env file; write nothing.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(settings.VAPID_KEY_FILE)
        in_environment = any(
            os.environ.get(name)
            for name in (
                "VAPID_PUBLIC_KEY",
                "VAPID_PRIVATE_KEY",
                "VAPID_PUBLIC_KEY_FILE",
                "VAPID_PRIVATE_KEY_FILE",
            )
        )
        if options["env"]:
            public, private = new_key_pair()
            self.stdout.write(f"VAPID_PUBLIC_KEY={public}\nVAPID_PRIVATE_KEY={private}")
            return
        if options["if_missing"] and (in_environment or path.exists()):
            self.stdout.write(IN_PLACE)
            return
        if path.exists() and not options["force"]:
            raise CommandError(EXISTS.format(path=path))
        public, private = new_key_pair()
        write_key_file(path, public, private)
        self.stdout.write(f"Wrote {path}. The public key:\n{public}")
        self.stdout.write("Restart the portal and its worker to use the new keys.")
        if in_environment:
            self.stderr.write(ENVIRONMENT_WINS)
