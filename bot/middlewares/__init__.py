"""Outer middlewares: they decide whether an update is handled at all, and never answer."""
