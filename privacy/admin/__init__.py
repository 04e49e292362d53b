from . import accounts, exports  # noqa: F401  (registrations)
