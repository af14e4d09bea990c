"""The operator web console under /console/: an adapter of the core, like `bot` and `ivr`.

It imports `hotline` and `nlu` only; `app.web` mounts it with `setup_console`.
"""
