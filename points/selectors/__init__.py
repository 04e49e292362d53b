"""Reads about points: totals (``totals``), and the pages built on them."""
