"""The demo school's first codes of conduct (R4), in plain words, from the school's policy."""

from __future__ import annotations

PARENTS_TITLE = "Code of conduct for parents and carers"
PARENTS_BODY = """\
This portal is how the school and families keep in touch: the class and pupil stories, \
messages with your child's class teacher, and your child's points. Only the families of pupils \
at the school and its staff can use it. By using it you agree to what follows.

Respect. Please treat every member of staff with courtesy. Rude or abusive language, threats \
and aggression are not accepted. The school gives one formal warning when the portal is \
misused; after a further breach the head teacher may close your account.

Messages. Message only your child's class teacher, or the teacher who covers the class during \
the class teacher's planning (PPA) time. Teachers answer between 8am and 5pm, Monday to Friday, \
on school days; a message sent at another time waits until the next working morning. Teaching \
comes first, so allow up to 48 working hours for a reply.

The office, not the teacher. Absence and medical appointments, illness, school dinners, \
complaints and anything urgent, such as a change in who collects your child, go to the school \
office. Questions about your child's progress deserve a conversation: use a message to arrange a \
meeting with the teacher.

What is posted here stays here. Do not copy, photograph, screenshot or share anything from the \
portal (photos, recordings, messages or children's work) anywhere else, including social media. \
Sharing it breaks other families' privacy and leads to your account being suspended.

Posts celebrate learning; please do not use them to compare children. The number of posts \
changes from week to week and between year groups, with what is happening in school.

Photos and consent. If you do not want your child to appear in photos, recordings or work \
samples, tell the school office; you can change your mind at any time.

Who can join. Up to two parents or carers are linked to each child; anyone else only in special \
circumstances agreed with the office.
"""

STAFF_TITLE = "Code of conduct for staff"
STAFF_BODY = """\
The portal is part of the school's work and follows the staff code of conduct. By using it you \
agree to what follows.

Working hours. The portal's working hours are 8am to 5pm, Monday to Friday. Parents may write \
at any time, but please do not read messages outside working hours: parents can see when a \
message was seen. You do not need the portal on your own phone; if you choose to, think about \
your own time.

Whom you answer. Reply only to parents of children in your class, or in the class you cover \
during PPA time. Absence, illness, progress and similar matters belong to the school office or \
to a meeting: say so briefly. When a question cannot be answered in writing, ask the parent to \
phone the school. Do not discuss personal matters on class pages or in messages.

Names and consent. Use children's first names only; where two children in a class share a first \
name, the portal adds as much of the surname as it needs. Before posting a photo, recording or \
work sample, check the class's consent roster: share only children whose parents have given \
written permission, and never a child in local-authority care.

Private things stay private. Sensitive information goes to parents only in private messages, \
never in a Class Story or Student Story post. Do not share anything from the portal on your own \
social media.

When something goes wrong. If a message is inappropriate, flag it and speak to your line manager \
as soon as you can. The head teacher decides what happens when this code is breached.
"""
