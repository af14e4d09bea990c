"""Model arrays on disk: one `.npz` file (no pickle), written atomically.

Both trained models (intents, risk) are a vocabulary, a few float arrays and a little
JSON; a concurrent reader (another process starting) must never see half a file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt


def write_model_arrays(
    path: Path, vocabulary: dict[str, int], meta: dict[str, Any], **arrays: npt.NDArray[Any]
) -> None:
    """Write the vocabulary (in index order), `meta` as JSON and the arrays, atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    features = sorted(vocabulary, key=vocabulary.__getitem__)
    handle, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            named: dict[str, npt.NDArray[Any]] = {
                "features": np.array(features, dtype=str),
                "meta": np.array(json.dumps(meta)),
                **arrays,
            }
            np.savez(out, *(), **named)  # type: ignore[arg-type]
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
