"""The settings' reader of environment variables: a string, a yes/no or a comma-separated list.

Three functions rather than django-environ: every variable the portal reads is one of these
three shapes or a number (``int(env(...))``), and the one URL it parses, ``DATABASE_URL``, goes
to dj-database-url, which the portal needs anyway. docs/configuration.md lists every variable.

Every variable can instead be given as a file, by naming the file in ``<NAME>_FILE``
(``SECRET_KEY_FILE=/run/secrets/secret_key``): Docker secrets and systemd credentials are
read-only files, so a secret need not sit in every process's environment. The file's content
is the value, without the line break at its end. Both ``<NAME>`` and ``<NAME>_FILE`` set is an
error (which one would win is a guess nobody should have to make).
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

# What a yes/no variable takes for yes; anything else set is no.
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FILE_SUFFIX = "_FILE"


def raw(name: str) -> str | None:
    """The variable's value, from the environment or from the file that ``<name>_FILE`` names;
    None when neither is set."""
    value = os.environ.get(name)
    path = os.environ.get(name + FILE_SUFFIX)
    if path is None:
        return value
    if value is not None:
        raise ImproperlyConfigured(
            f"Both {name} and {name}{FILE_SUFFIX} are set: set only one of them "
            "(README.md, Settings)."
        )
    try:
        return Path(path).read_text(encoding="utf-8").rstrip("\r\n")
    except (OSError, UnicodeDecodeError) as error:
        raise ImproperlyConfigured(
            f"{name}{FILE_SUFFIX} names {path}, which cannot be read "
            f"({type(error).__name__}: {getattr(error, 'strerror', None) or error})."
        ) from error


def env(name: str, default: str = "") -> str:
    """The variable as it is (or its file's content), or ``default`` when it is not set."""
    value = raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    """Yes for 1, true, yes or on (any case); ``default`` when the variable is not set."""
    value = raw(name)
    if value is None:
        return default
    return value.strip().lower() in TRUE_WORDS


def env_list(name: str, default: str = "") -> list[str]:
    """The comma-separated items of the variable (or of ``default``), blanks dropped."""
    return [item.strip() for item in env(name, default).split(",") if item.strip()]
