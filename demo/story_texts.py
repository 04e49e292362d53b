"""What the demo's teachers, office and head write in the stories.

Children appear by display name only, filled in for ``{names}`` (two or three classmates) and
``{name}`` (the pupil of a Student Story). No text contains a word that is a surname in the
demo's name pools (R7: "Hall", "Green", "Brown", "White", "Wood" and "Bell" are surnames there;
a test reads every text against every pool). A topic's scene is the picture drawn for it, when
the post has one (``demo.pictures``).
"""

from __future__ import annotations

from datetime import time
from typing import NamedTuple


class Topic(NamedTuple):
    text: str
    scene: str | None = None


class SchoolPost(NamedTuple):
    text: str
    scene: str | None
    urgent: bool
    by_office: bool
    age: float  # how far back in the term, as a share of the weeks covered (1 = the oldest)


class WeeklyReminder(NamedTuple):
    text: str
    weekday: int  # 0 = Monday
    time_of_day: time


CLASS_TOPICS = (
    Topic(
        "Our autumn walk today: we collected leaves of every shape and colour, then sorted "
        "them back in class. Ask your child which tree their favourite leaf came from.",
        "leaves",
    ),
    Topic(
        "Colour mixing in art this afternoon! We found out which two colours make orange and "
        "which make purple. Aprons were very much needed.",
        "paint splashes",
    ),
    Topic(
        "In maths we asked everyone for their favourite fruit and made a bar chart together. "
        "Apples won by two votes!",
        "a bar chart",
    ),
    Topic(
        "{names} built the tallest tower in the construction area today, and explained how "
        "they stopped it from falling over.",
        "building blocks",
    ),
    Topic(
        "We watched the sky change colour at the end of the day and wrote poems about it. "
        "Some lovely describing words!",
        "hills at sunset",
    ),
    Topic(
        "Science: we made rainbows with a glass of water and a torch. {names} explained to the "
        "whole class how it works.",
        "a rainbow",
    ),
    Topic(
        "We decorated the classroom with bunting for our class assembly. Thank you to everyone "
        "who came to watch!",
        "bunting",
    ),
    Topic(
        "Our space topic has begun! We learnt the order of the planets with a song, so your "
        "child may sing it to you at tea time.",
        "planets",
    ),
    Topic(
        "Healthy eating week: we tasted five fruits and voted for our favourite. Thank you for "
        "all the fruit you sent in.",
        "a fruit bowl",
    ),
    Topic(
        "Floating and sinking: {names} designed a boat that carried twenty marbles across the "
        "water tray!",
        "a sailing boat",
    ),
    Topic(
        "Our book corner has new books this week, chosen by the class. Everyone has a "
        "favourite already.",
        "bookshelves",
    ),
    Topic(
        "Phonics this week: we are practising the sounds 'ai' and 'ee'. Spotting them on signs "
        "and packets at home really helps."
    ),
    Topic(
        "Reading books are changed on Mondays and Thursdays. Please sign the reading record "
        "when you read together."
    ),
    Topic(
        "Thank you for the wonderful home learning projects about our local area. They are on "
        "display outside the classroom."
    ),
    Topic(
        "Our museum trip is next Wednesday. Please send a packed lunch in a named bag, and a "
        "coat whatever the weather."
    ),
    Topic("Times tables: this week is the 4 times table. A few minutes a day makes a difference."),
    Topic("Star of the week goes to {names} for kindness in the playground. Well done!"),
    Topic("We started our new class book today, and everyone wants to know what happens next!"),
    Topic(
        "Please make sure coats and jumpers are named: we have a growing pile of lost property "
        "by the classroom door."
    ),
)

STUDENT_TOPICS = (
    Topic(
        "{name} read a whole chapter book on their own this week, a first! We are all very proud.",
        "bookshelves",
    ),
    Topic(
        "{name} made this bar chart in maths all by themselves, with a title and labels.",
        "a bar chart",
    ),
    Topic("{name} painted this for our art display. Such bold colours!", "paint splashes"),
    Topic(
        "{name} explained to the whole class how a rainbow forms, using all our new words.",
        "a rainbow",
    ),
    Topic("{name} has worked so hard on handwriting: every letter sat on the line today."),
    Topic("{name} was a brilliant helper at tidy-up time all week. Thank you!"),
    Topic("{name} kept trying on the balance beam in PE today and did it at last. Fantastic!"),
)

SCHOOL_POSTS = (
    SchoolPost(
        "Welcome back! It has been a wonderful start to the term, and it is lovely to see so "
        "many new families at the gate each morning.",
        None,
        urgent=False,
        by_office=False,
        age=0.95,
    ),
    SchoolPost(
        "Harvest festival: thank you for your generous donations to the local food bank. "
        "Together we filled forty boxes!",
        "a fruit bowl",
        urgent=False,
        by_office=False,
        age=0.7,
    ),
    SchoolPost(
        "Flu vaccinations for every year group are next Tuesday. Please return the nurse "
        "team's form if you have not done so yet.",
        None,
        urgent=False,
        by_office=True,
        age=0.55,
    ),
    SchoolPost(
        "A water main has burst in the road outside the school. Please collect your child from "
        "the main gate at 13:30 today. The office is phoning every family.",
        None,
        urgent=True,
        by_office=True,
        age=0.35,
    ),
    SchoolPost(
        "Our new library corner is open! Classes visit once a week, and families are welcome "
        "on Friday afternoons from 15:15.",
        "bookshelves",
        urgent=False,
        by_office=False,
        age=0.15,
    ),
)

# The demo teacher's class, in each copy of the school, reminds about PE kit; the head about
# library books.
CLASS_REMINDER = WeeklyReminder(
    "PE kit tomorrow, please: trainers, shorts and a named T-shirt.", 1, time(15, 30)
)
SCHOOL_REMINDER = WeeklyReminder(
    "Library books back tomorrow, please, so that everyone can choose a new one on Friday.",
    3,
    time(15, 30),
)


def every_text() -> list[str]:
    """Every text the demo may post, its {name} slots unfilled, for the R7 check."""
    return [
        *(t.text for t in CLASS_TOPICS + STUDENT_TOPICS),
        *(p.text for p in SCHOOL_POSTS),
        CLASS_REMINDER.text,
        SCHOOL_REMINDER.text,
    ]
