from . import conduct, pupils, users  # noqa: F401  (registers the admin classes)
