"""The doors of `bot serve`: the web chat (ui.py), the HTTP API (http/), MCP, one process (server.py),
answering shared by them all (answering.py), ratings (feedback.py)."""
