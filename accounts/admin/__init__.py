from . import conduct, invites, picture_codes, pupils, users  # noqa: F401  (registrations)
