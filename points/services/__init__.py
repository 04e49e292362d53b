"""Writes: ``skills`` (R25), ``awards`` (R25), ``avatars`` (R27), ``retention`` (R28)."""
