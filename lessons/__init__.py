"""Numbered lessons that port the course's worked examples onto minigrad (`python -m lessons`)."""
