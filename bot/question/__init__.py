"""1. The question: cleaned (clean.py), a follow-up joined with what it follows (condense.py),
what it asks for and whom it names (intent.py)."""
