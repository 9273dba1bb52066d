"""The HTTP side of `bot serve`: an OpenAI-compatible API with citations, and answer feedback.

    serialize.py    an Answer as plain JSON (one function for the API, the MCP tool and exports)
    errors.py       project exceptions -> OpenAI-style error JSON, by type
    openai_api.py   the FastAPI routes: /v1/models, /v1/chat/completions, /v1/feedback
"""
