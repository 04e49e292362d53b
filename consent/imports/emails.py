"""Emailing each parent or carer named in an import their own invite code (R2).

Runs after the import has committed (from the Celery task ``consent.tasks.send_import_invites``).
The codes exist in plaintext only in the task's arguments: the database keeps their hashes, so
a task that is lost sends nothing, and the office prints letters instead (new codes). A code is
still useless without the child's date of birth (R2).

Idempotent: a code is emailed only while it is unused, not cancelled, not expired and its pupil
is in a class; and a batch run again (a retried or redelivered task) skips the codes it has
sent already. That progress is one entry in the shared cache per batch, never one per email: a
school's intake must not crowd other entries, such as the sign-in rate limits, out of the
embedded default's file cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage, get_connection
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone, translation

from accounts.middleware import interface_language
from accounts.models import InviteCode
from accounts.services.invites import hash_code, normalise_code, pupil_is_current
from classes.models import Pupil, School
from classes.selectors import school_get
from core.bidi import plain_text_directed, subject_directed

if TYPE_CHECKING:
    from django.template.backends.base import _EngineTemplate

PROGRESS_SECONDS = settings.INVITE_CODE_VALID_DAYS * 24 * 3600
PROGRESS_EVERY = 200
# Between the English text and the same text in the family's home language.
SEPARATOR = "-" * 40


@dataclass(frozen=True)
class InviteEmail:
    """One email to send: ``code`` (plaintext, as printed) for the parent at ``email``."""

    email: str
    code: str
    pupil_id: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> InviteEmail:
        return cls(
            email=str(data["email"]), code=str(data["code"]), pupil_id=int(data["pupil_id"])
        )


def join_link(code: str) -> str:
    """The join page with the code filled in: ``SITE_URL/join/?code=…``."""
    return f"{settings.SITE_URL}{reverse('join')}?{urlencode({'code': normalise_code(code)})}"


def _progress_key(code_hashes: Sequence[str]) -> str:
    digest = hashlib.sha256("".join(sorted(code_hashes)).encode()).hexdigest()
    return f"import-invites-sent:{digest}"


def _short(code_hash: str) -> str:
    return code_hash[:16]  # 64 bits tell a batch's codes apart and keep the entry small


@dataclass(frozen=True)
class FamilyTemplates:
    subject: _EngineTemplate
    body: _EngineTemplate

    @classmethod
    def load(cls, name: str = "import_invite") -> FamilyTemplates:
        # Loaded once per batch: a school's intake is hundreds of emails.
        return cls(
            subject=get_template(f"consent/email/{name}_subject.txt"),
            body=get_template(f"consent/email/{name}_body.txt"),
        )


def _message(
    item: InviteEmail, pupil: Pupil, invite: InviteCode, school: School, templates: FamilyTemplates
) -> EmailMessage:
    context = {
        "school": school,
        "first_name": pupil.first_name,
        "class_name": pupil.school_class.name if pupil.school_class else "",
        "code": item.code,
        "join_link": join_link(item.code),
        "expires_at": invite.expires_at,
    }
    return family_email(
        pupil=pupil, templates=templates, context=context, to=item.email, school=school
    )


def family_email(
    *,
    pupil: Pupil,
    templates: FamilyTemplates,
    context: dict[str, Any],
    to: str,
    school: School,
) -> EmailMessage:
    """An email to a family that has no account yet (so no language of its own): in English
    and, below it, in the family's home language when the school's records give one (R33), as
    the printed letter is; replies go to the school office."""
    languages = [settings.LANGUAGE_CODE, *filter(None, [_home_language(pupil)])]
    subjects, bodies = [], []
    for language in languages:
        with translation.override(language):
            subjects.append(subject_directed(templates.subject.render(context)))
            bodies.append(plain_text_directed(templates.body.render(context)).strip("\n"))
    reply_to = [school.office_email] if school.office_email else None
    message = EmailMessage(
        " / ".join(subjects),
        f"\n\n{SEPARATOR}\n\n".join(bodies) + "\n",
        to=[to],
        reply_to=reply_to,
    )
    message.extra_headers["Content-Language"] = ", ".join(languages)
    return message


def _home_language(pupil: Pupil) -> str | None:
    """The family's home language for the second half of the email, as for the printed
    letter (R33): when the school's records give one that is not English and the portal's
    texts are translated into it."""
    code = pupil.home_language
    if not code or code.split("-")[0] == settings.LANGUAGE_CODE.split("-")[0]:
        return None
    return interface_language(code)


def _send(messages: list[tuple[str, EmailMessage]], key: str, sent: set[str]) -> int:
    """Send over one connection, recording progress under ``key`` as it goes (and at the end,
    even when sending fails, so that a retry sends only the rest)."""
    count = 0
    try:
        with get_connection() as connection:
            for code_hash, message in messages:
                connection.send_messages([message])
                sent.add(_short(code_hash))
                count += 1
                if count % PROGRESS_EVERY == 0:
                    cache.set(key, sorted(sent), PROGRESS_SECONDS)
    finally:
        if count:
            cache.set(key, sorted(sent), PROGRESS_SECONDS)
    return count


def import_invites_send(*, invites: Sequence[InviteEmail]) -> int:
    """Email each parent their code, with the child's first name, class, the join link and the
    reminder that the child's date of birth is needed: in English and, below it, in the
    family's home language when the school's records give one (R33), as the printed letter
    is. Returns how many were sent.

    Three queries for any number of emails; idempotent for a given ``invites`` (see the
    module).
    """
    by_hash = {hash_code(item.code): item for item in invites}
    live = InviteCode.objects.filter(
        code_hash__in=by_hash,
        used_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=timezone.now(),
    )
    invite_by_hash = {invite.code_hash: invite for invite in live}
    pupils = Pupil.objects.select_related("school_class").in_bulk(
        {item.pupil_id for item in invites}
    )
    school, templates = school_get(), FamilyTemplates.load()
    key = _progress_key(list(by_hash))
    sent = set(cache.get(key) or ())
    messages = []
    for code_hash, item in by_hash.items():
        invite, pupil = invite_by_hash.get(code_hash), pupils.get(item.pupil_id)
        if invite is None or pupil is None or invite.pupil_id != pupil.pk:
            continue
        if not pupil_is_current(pupil) or _short(code_hash) in sent:
            continue
        messages.append((code_hash, _message(item, pupil, invite, school, templates)))
    return _send(messages, key, sent) if messages else 0
