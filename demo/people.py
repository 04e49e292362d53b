"""The demo's known people: whom the printed sign-ins belong to, and their shared password.

Generated names, like everyone in the demo; the addresses are under ``example.org``, a domain
reserved for examples, so no demo email can reach a real person.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105  (printed for everyone: demo data only)
PARENT_DOMAIN = "parents.example.org"
STAFF_DOMAIN = "staff.example.org"


@dataclass(frozen=True)
class DemoFamily:
    """Parents ``(first, last)`` and children ``(first, class)``, named after the first parent."""

    parents: tuple[tuple[str, str], ...]
    children: tuple[tuple[str, str], ...]


# The people the printed demo sign-ins belong to. The Khan and Kohli children share a class and
# a first name and a surname initial, so R6 shows them as “Amir Kh.” and “Amir Ko.”; the two
# Olivers show “Oliver S.” and “Oliver N.”. The Mazurs' second parent has not accepted the code
# of conduct yet; Chioma has one parent, so a second can join with an invite code.
DEMO_CLASS = "Rowan"
DEMO_FAMILIES = (
    DemoFamily((("Sana", "Khan"), ("Bilal", "Khan")), (("Amir", "Rowan"), ("Layla", "Robins"))),
    DemoFamily((("Harpreet", "Kohli"), ("Ravi", "Kohli")), (("Amir", "Rowan"),)),
    DemoFamily((("Emma", "Smith"), ("Daniel", "Smith")), (("Oliver", "Finches"),)),
    DemoFamily((("Agnieszka", "Nowak"),), (("Oliver", "Finches"),)),
    DemoFamily((("Piotr", "Mazur"), ("Ewa", "Mazur")), (("Kacper", "Owls"),)),
    DemoFamily((("Ngozi", "Eze"),), (("Chioma", "Hazel"),)),
)
DEMO_TEACHER = ("Mrs", "Anita", "Hughes")
DEMO_SUPPORT = ("", "Tomasz", "Król")
DEMO_OFFICE = ("Mrs", "Sarah", "Bennett")
DEMO_HEAD = ("Mrs", "Helen", "Marsh")
DEMO_DEPUTY = ("Mr", "Daniel", "Osei")

# (first name, surname, class) of the pupil who signs in with pictures, and their fixed code.
DEMO_PUPIL = ("Amir", "Khan", DEMO_CLASS)
DEMO_PUPIL_CODE = ("cat", "sun", "boat", "apple", "star")
# A child with one parent, for whom the seed makes an invite code (try it at /join/).
INVITE_PUPIL = ("Chioma", "Eze", "Hazel")

PARENT_EMAIL = f"sana.khan@{PARENT_DOMAIN}"
NEW_PARENT_EMAIL = f"ewa.mazur@{PARENT_DOMAIN}"
TEACHER_EMAIL = f"anita.hughes@{STAFF_DOMAIN}"
SUPPORT_EMAIL = f"tomasz.krol@{STAFF_DOMAIN}"
OFFICE_EMAIL = f"sarah.bennett@{STAFF_DOMAIN}"
LEADER_EMAIL = f"helen.marsh@{STAFF_DOMAIN}"
