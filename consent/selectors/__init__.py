"""Reads about consent. The question every other app asks is re-exported here:

from consent.selectors import media_verdicts, media_refusals
"""

from .media import MediaVerdict, class_verdicts, media_refusals, media_verdicts, roster_for

__all__ = ["MediaVerdict", "class_verdicts", "media_refusals", "media_verdicts", "roster_for"]
