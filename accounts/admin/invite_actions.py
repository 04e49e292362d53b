"""Admin actions on pupils for invite codes and letters."""

ACTIONS: list[object] = []
