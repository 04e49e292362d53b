"""A bare Django project: the floor that ``benchmarks/load.py`` measures the portal against."""
