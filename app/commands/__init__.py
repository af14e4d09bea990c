"""Subcommands of `hotline`; the CLI is the composition root, so these may load adapters."""
