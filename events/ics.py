"""iCalendar files (RFC 5545) for events, term dates and closures: the few properties every
calendar app reads, with text escaped and long lines folded as the RFC requires."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

PRODID = "-//dojo_portal//Events//EN"


@dataclass(frozen=True)
class Entry:
    """One VEVENT. An all-day entry gives dates (``end`` the day after its last, as the RFC
    says); a timed one gives aware moments, written in UTC."""

    uid: str
    summary: str
    start: dt.date | dt.datetime
    end: dt.date | dt.datetime | None = None
    location: str = ""
    description: str = ""
    url: str = ""


def escape(text: str) -> str:
    """TEXT values (RFC 5545 §3.3.11): backslash, semicolon, comma and newlines escaped."""
    text = text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return text.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")


def fold(line: str) -> str:
    """Lines of at most 75 octets (§3.1), continued with CRLF and a space; never inside a
    UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode())
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _value(moment: dt.date | dt.datetime) -> tuple[str, str]:
    if isinstance(moment, dt.datetime):
        return "", moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    return ";VALUE=DATE", moment.strftime("%Y%m%d")


def _vevent(entry: Entry, stamp: str) -> list[str]:
    kind, start = _value(entry.start)
    lines = ["BEGIN:VEVENT", f"UID:{entry.uid}", f"DTSTAMP:{stamp}", f"DTSTART{kind}:{start}"]
    if entry.end is not None:
        end_kind, end = _value(entry.end)
        lines.append(f"DTEND{end_kind}:{end}")
    lines.append(f"SUMMARY:{escape(entry.summary)}")
    if entry.location:
        lines.append(f"LOCATION:{escape(entry.location)}")
    if entry.description:
        lines.append(f"DESCRIPTION:{escape(entry.description)}")
    if entry.url:
        lines.append(f"URL:{entry.url}")
    lines.append("END:VEVENT")
    return lines


def calendar(entries: Iterable[Entry], *, name: str, now: dt.datetime) -> str:
    """A whole VCALENDAR, CRLF line ends, ready to serve as ``text/calendar``."""
    stamp = now.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
    ]
    for entry in entries:
        lines += _vevent(entry, stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
