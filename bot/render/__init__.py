"""Answers written for a reader: plain text and the CLI (text.py), the web chat's HTML (html.py)."""
