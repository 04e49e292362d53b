"""The demo school: one generator for demos, tests and benchmarks.

:mod:`.plan` builds the school as plain data from a seed (pure, deterministic); :mod:`.seed`
writes it to the database idempotently; :mod:`.signins` prints the known demo sign-ins.
``manage.py seed_demo`` and ``manage.py serve`` are the commands around it.
"""
