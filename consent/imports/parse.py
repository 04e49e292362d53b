"""Reading a CSV export of pupils from the school's records (SIMS, Arbor, Bromcom…) into rows.

Nothing here touches the database. :func:`read_rows` turns the uploaded bytes into
:class:`CsvRow` objects, or raises a ``ValidationError`` with one clear message about the whole
file (wrong encoding, wrong columns, too big): a file is read whole or not at all. The small
parsers (:func:`parse_date`, :func:`parse_consent`, :func:`split_emails`) read one cell each;
:mod:`consent.imports.validate` turns what they refuse into row problems.

- Encodings: UTF-8 with or without a byte-order mark, else Windows-1252 (what Excel's
  "CSV (comma delimited)" writes on a British Windows PC).
- Delimiter: comma, or semicolon or tab when the header row uses those instead.
- Header names are matched without regard to case, spaces or punctuation, with the spellings
  the common MIS exports use (``COLUMN_ALIASES``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from ..models import MediaStatus

MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
MAX_EMAILS = 2

FIRST_NAME = "first_name"
SURNAME = "surname"
DATE_OF_BIRTH = "date_of_birth"
CLASS = "class_name"
PARENT_EMAILS = "parent_emails"
MEDIA_CONSENT = "media_consent"
HOME_LANGUAGE = "home_language"
REQUIRED_COLUMNS = (FIRST_NAME, SURNAME, DATE_OF_BIRTH, CLASS)
OPTIONAL_COLUMNS = (PARENT_EMAILS, MEDIA_CONSENT, HOME_LANGUAGE)

COLUMN_LABELS: dict[str, Promise] = {
    FIRST_NAME: _("first name"),
    SURNAME: _("surname"),
    DATE_OF_BIRTH: _("date of birth"),
    CLASS: _("class"),
    PARENT_EMAILS: _("parent emails"),
    MEDIA_CONSENT: _("media consent"),
    HOME_LANGUAGE: _("home language"),
}
# Header spellings, already normalised by ``normalise_header``. When a file has two columns
# for one field, the first column (from the left) is used.
COLUMN_ALIASES: dict[str, frozenset[str]] = {
    FIRST_NAME: frozenset(
        {"first name", "firstname", "forename", "forenames", "legal forename", "given name"}
    ),
    SURNAME: frozenset({"surname", "legal surname", "last name", "lastname", "family name"}),
    DATE_OF_BIRTH: frozenset({"dob", "d o b", "date of birth", "birth date", "birthdate"}),
    CLASS: frozenset(
        {"class", "class name", "reg group", "registration group", "reg", "form", "form group"}
    ),
    PARENT_EMAILS: frozenset(
        {
            "parent email",
            "parent emails",
            "parent carer email",
            "parent carer emails",
            "contact email",
            "contact emails",
            "email",
            "emails",
        }
    ),
    MEDIA_CONSENT: frozenset(
        {"media consent", "photo consent", "photograph consent", "photo permission"}
    ),
    # SIMS, Arbor and Bromcom call it "First Language" (the census's name) or "Home Language".
    HOME_LANGUAGE: frozenset(
        {
            "first language",
            "home language",
            "main language",
            "language",
            "first language description",
            "home language description",
            "language spoken at home",
        }
    ),
}

# A home language as the school's records give it, by name or by the DfE census code (with
# its variants: PNJG is Panjabi written in Gurmukhi, ARAM Moroccan Arabic…), and the portal's
# language for it. Anything else (a language the portal does not offer, "Not obtained",
# "Refused") is no home language: the letters are in English only.
HOME_LANGUAGE_NAMES: dict[str, str] = {
    "english": "en-gb",
    "polish": "pl",
    "romanian": "ro",
    "moldovan": "ro",
    "urdu": "ur",
    "panjabi": "pa",
    "punjabi": "pa",
    "arabic": "ar",
    "spanish": "es",
    "castilian": "es",
}
HOME_LANGUAGE_CODES: dict[str, str] = {
    **dict.fromkeys(("eng", "enb"), "en-gb"),
    "pol": "pl",
    **dict.fromkeys(("rmn", "rmnr", "rmnm", "rom", "ron", "rum"), "ro"),
    "urd": "ur",
    **dict.fromkeys(("pnj", "pnjg", "pnjp", "pnjm", "pnja", "pan"), "pa"),
    **dict.fromkeys(("ara", "araa", "arag", "arai", "aram", "aras", "aray"), "ar"),
    "spa": "es",
}

FILE_EMPTY = _("The file is empty.")
FILE_TOO_LARGE = _("The file is larger than %(megabytes)s MB. Split it into smaller files.")
NOT_TEXT = _(
    "This is not a CSV file: it may be a spreadsheet (.xlsx) or a “Unicode text” file. "
    "In the spreadsheet or the school’s records, choose “Save as” or “Export”, pick "
    "“CSV UTF-8” or “CSV (comma delimited)”, and upload that file."
)
UNKNOWN_ENCODING = _(
    "The letters in this file could not be read: it is neither UTF-8 nor Windows-1252. "
    "Save it again as “CSV UTF-8” and upload that file."
)
UNREADABLE_CSV = _("Row %(row)s of the file could not be read as CSV (%(detail)s).")
WRONG_COLUMNS = _(
    "The first row of the file must name the columns. Missing: %(missing)s. Found: %(found)s. "
    "Needed: first name (or Forename), surname, date of birth (or DOB) and class (or Reg "
    "group); parent emails and media consent may be added."
)
NO_COLUMNS_FOUND = _("nothing")
NO_ROWS = _("The file names its columns but has no pupils in it.")
TOO_MANY_ROWS = _(
    "The file has more than %(most)s pupils. Import at most %(most)s at a time: split the "
    "file by year group."
)

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
UK_DATE = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
CONSENT_WORDS: dict[str, str] = {
    **dict.fromkeys(("y", "yes", "granted", "given"), MediaStatus.GRANTED),
    **dict.fromkeys(("n", "no", "refused", "declined"), MediaStatus.REFUSED),
    "withdrawn": MediaStatus.WITHDRAWN,
}
EMAIL_SEPARATORS = re.compile(r"[;,\s]+")


@dataclass(frozen=True)
class CsvRow:
    """One pupil's row: ``number`` is the row in a spreadsheet (the header is row 1), and
    ``values`` maps each field found in the header to its cell, without surrounding spaces."""

    number: int
    values: dict[str, str]

    def get(self, field: str) -> str:
        return self.values.get(field, "")


class ImpossibleDate(ValueError):
    """A date written in a form we read, that does not exist (31/02/2019)."""


class UnreadableDate(ValueError):
    """Not a date in any form we read."""


def normalise_header(name: str) -> str:
    """``"Parent Email(s)"`` → ``"parent emails"``, ``"D.O.B."`` → ``"d o b"``."""
    name = name.replace("\ufeff", "").lower().replace("(s)", "s")
    return " ".join(re.sub(r"[^\w]+|_", " ", name).split())


def decode(data: bytes) -> str:
    """The text of ``data``: UTF-8 (a BOM is dropped), else Windows-1252."""
    if not data.strip():
        raise ValidationError(FILE_EMPTY, code="empty")
    if len(data) > MAX_BYTES:
        raise ValidationError(
            FILE_TOO_LARGE, code="too_large", params={"megabytes": MAX_BYTES // 1024 // 1024}
        )
    if b"\x00" in data:  # UTF-16 text and spreadsheets have NUL bytes; CSV exports never do
        raise ValidationError(NOT_TEXT, code="not_text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValidationError(UNKNOWN_ENCODING, code="encoding") from None


def _delimiter(text: str) -> str:
    """Comma, unless the header row plainly uses semicolons or tabs (as some exports do)."""
    header = next((line for line in io.StringIO(text) if line.strip()), "")
    counts = {delimiter: header.count(delimiter) for delimiter in (",", ";", "\t")}
    best = max(counts, key=lambda d: (counts[d], d == ","))
    return best if counts[best] else ","


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Each CSV record with its spreadsheet row number; blank records are skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            if any(cell.strip() for cell in record):
                yield number, record
    except csv.Error as error:
        raise ValidationError(
            UNREADABLE_CSV, code="csv", params={"row": number + 1, "detail": str(error)}
        ) from None


def _columns(header: list[str]) -> dict[str, int]:
    """Which field each column holds; raises ``WRONG_COLUMNS`` when a required one is missing."""
    found: dict[str, int] = {}
    for index, name in enumerate(header):
        key = normalise_header(name)
        for field, aliases in COLUMN_ALIASES.items():
            if key in aliases and field not in found:
                found[field] = index
    missing = [str(COLUMN_LABELS[f]) for f in REQUIRED_COLUMNS if f not in found]
    if missing:
        names = [name.strip() for name in header if name.strip()]
        raise ValidationError(
            WRONG_COLUMNS,
            code="columns",
            params={
                "missing": ", ".join(missing),
                "found": ", ".join(names) if names else str(NO_COLUMNS_FOUND),
            },
        )
    return found


def read_rows(data: bytes) -> list[CsvRow]:
    """The pupils' rows of a CSV file, or a ``ValidationError`` about the whole file.

    The first non-blank row names the columns; blank rows are skipped; at most ``MAX_ROWS``
    rows and ``MAX_BYTES`` bytes are read.
    """
    records = _records(decode(data))
    first = next(records, None)
    if first is None:
        raise ValidationError(FILE_EMPTY, code="empty")
    columns = _columns(first[1])
    rows: list[CsvRow] = []
    for number, record in records:
        if len(rows) == MAX_ROWS:
            raise ValidationError(TOO_MANY_ROWS, code="too_many", params={"most": MAX_ROWS})
        values = {
            field: record[index].strip() if index < len(record) else ""
            for field, index in columns.items()
        }
        rows.append(CsvRow(number=number, values=values))
    if not rows:
        raise ValidationError(NO_ROWS, code="no_rows")
    return rows


def parse_date(text: str) -> dt.date:
    """``17/05/2018``, ``7/5/2018`` (day first, as in the UK) or ``2018-05-17``.

    Raises ``UnreadableDate`` for anything else and ``ImpossibleDate`` for 31/02/2019.
    """
    text = text.strip()
    if match := ISO_DATE.fullmatch(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := UK_DATE.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise UnreadableDate(text)
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ImpossibleDate(text) from None


def parse_consent(text: str) -> str | None:
    """A ``MediaStatus`` value for Y/Yes/Granted, N/No/Refused or Withdrawn; None for blank.

    Raises ``ValueError`` for any other answer.
    """
    word = text.strip().casefold()
    if not word:
        return None
    if word not in CONSENT_WORDS:
        raise ValueError(text)
    return CONSENT_WORDS[word]


def parse_home_language(text: str) -> str:
    """The portal's language for a home language cell: ``"Polish"``, ``"POL"``,
    ``"Panjabi (Gurmukhi)"``, ``"English (believed to be)"``; ``""`` for a blank cell and for
    any language the portal does not offer (never a problem with the row)."""
    word = text.strip().casefold()
    if word in HOME_LANGUAGE_CODES:
        return HOME_LANGUAGE_CODES[word]
    # "Panjabi (Gurmukhi)", "Arabic - Moroccan", "Romanian/Moldovan": the first word names it
    first = re.split(r"[\s(/,;-]+", word, maxsplit=1)[0]
    return HOME_LANGUAGE_NAMES.get(first, "")


def split_emails(text: str) -> list[str]:
    """The addresses in one cell (separated by ``;``, ``,`` or spaces), each once (whatever
    its case), as typed and in the order given."""
    addresses: dict[str, str] = {}
    for part in EMAIL_SEPARATORS.split(text):
        if part:
            addresses.setdefault(part.lower(), part)
    return list(addresses.values())


def looks_like_formula(text: str) -> bool:
    """True when a spreadsheet would read ``text`` as a formula (CSV injection)."""
    return text.startswith(FORMULA_STARTS)
