"""Django's ``makemessages``, without msgmerge's fuzzy guesses.

A message that is new to a catalogue arrives empty, for a translator to write. msgmerge would
otherwise fill it with the translation of the most similar old message, marked fuzzy (the new
"Skip to content" got Polish for "Photo consent"): a guess that a translator may accept
unread, and that a reader never sees anyway, since fuzzy translations are not used.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
