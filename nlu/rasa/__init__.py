"""Rasa as an NLU engine: an isolated Python 3.10 environment, a cached model, an HTTP client.

Rasa runs as its own server (`rasa run --enable-api`); we only call `POST /model/parse`.
Language identification and risk assessment stay ours whatever the engine.
"""
