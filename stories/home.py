"""What the stories app adds to a parent's home page (see ``core.family_home``): the news, the
latest posts of all their children's stories (R15), each marked with its class or child, and
counted as seen (R30) as the feed counts them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from core.family_home import HomePart, section_register

from .permissions import can_like_post
from .selectors import feed_page
from .services.likes import posts_mark_seen

TEMPLATE = "stories/includes/home_news.html"
# As many as a parent reads on the way in; the feed continues from the last one.
HOME_NEWS = 10


def news(parent: Any, children: Sequence[Any]) -> HomePart:
    """The latest posts ``parent`` may see (two queries: the children's names are known; one
    more the first time posts are on screen, to record them as seen)."""
    names = {child.pupil.pk: child.display_name for child in children}
    page = feed_page(parent, size=HOME_NEWS, names=names)
    posts_mark_seen(viewer=parent, post_ids=[row.post.pk for row in page.posts if not row.seen])
    return HomePart(
        TEMPLATE,
        {"posts": page.posts, "more": page.next_cursor, "may_like": can_like_post(parent)},
    )


def register() -> None:
    section_register(news, order=10)
