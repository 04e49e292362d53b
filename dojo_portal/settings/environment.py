"""The settings' reader of environment variables: a string, a yes/no or a comma-separated list.

Three functions rather than django-environ: every variable the portal reads is one of these
three shapes or a number (``int(env(...))``), and the one URL it parses, ``DATABASE_URL``, goes
to dj-database-url, which the portal needs anyway. docs/configuration.md lists every variable.
"""

from __future__ import annotations

import os

# What a yes/no variable takes for yes; anything else set is no.
TRUE_WORDS = frozenset({"1", "true", "yes", "on"})


def env(name: str, default: str = "") -> str:
    """The variable as it is, or ``default`` when it is not set."""
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """Yes for 1, true, yes or on (any case); ``default`` when the variable is not set."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in TRUE_WORDS


def env_list(name: str, default: str = "") -> list[str]:
    """The comma-separated items of the variable (or of ``default``), blanks dropped."""
    return [item.strip() for item in env(name, default).split(",") if item.strip()]
