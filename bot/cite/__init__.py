"""5. Verifying the draft: every sentence against the passage it cites (verify.py, support.py), one
marker grammar (markers.py)."""
