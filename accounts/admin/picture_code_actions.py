"""Admin actions on pupils for picture codes and their printed cards."""

ACTIONS: list[object] = []
