"""The hostile-input catalogue and its tests (issue 25)."""
