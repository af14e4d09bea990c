"""Shared fixtures: one `Understanding` per test session, loaded from the disk cache."""

from __future__ import annotations

import pytest

from nlu.pipeline import Understanding, build_understanding


@pytest.fixture(scope="session")
def understanding() -> Understanding:
    # The first session after a data change trains (a few seconds) and caches under
    # var/nlu-cache/; every later session loads the cached arrays.
    return build_understanding("embedded")
