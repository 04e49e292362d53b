"""Surnames that are also everyday English words (R7).

A child called Harry Day must not make "Sports Day" or "a great day" unpostable for their
class: a surname on this list is refused only where it reads as a name, right after the first
name of a pupil who has it ("Harry Day", "harry day"). Every other surname is refused wherever
it appears. Case-folded.
"""

_WORDS = """
    archer baker ball bank banks barber bell berry best birch bird bishop black bond booth
    bright brook brooks brown bull burns bush butcher butler carpenter carter chambers child
    church cook cooper cross dale dance day dean early farmer field fields finch fish fisher
    fox french friend frost fry fuller gardener gate gates glover gold grant gray green grey
    hale hall hardy hart hay heath hill hope house hunt hunter joy king knight lamb lane law
    little long lord love marsh mason may miles miller mills moon moss noble north page park
    parks peacock pearl pike pool pope porter potter power price rain read reed rice rich rose
    savage sharp shepherd short silver singer skinner slater smart smith snow south spring star
    steel stone storm story street strong summer summers sweet swift tucker turner walker wall
    ward warren waters watts wells west wheeler white winter wise wood woods young
    """
EVERYDAY_SURNAMES = frozenset(_WORDS.split())
