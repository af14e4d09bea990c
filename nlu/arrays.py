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


def read_model_arrays(
    path: Path, names: tuple[str, ...]
) -> tuple[dict[str, int], dict[str, Any], dict[str, npt.NDArray[np.float32]]]:
    """Read what `write_model_arrays` wrote: vocabulary, meta and the named float32 arrays.

    Plain arrays only (`allow_pickle=False`); weights come back C-contiguous for fast rows.
    """
    with np.load(path, allow_pickle=False) as archive:
        meta: dict[str, Any] = json.loads(str(archive["meta"]))
        vocabulary = {str(f): i for i, f in enumerate(archive["features"].tolist())}
        arrays = {name: np.ascontiguousarray(archive[name], dtype=np.float32) for name in names}
    return vocabulary, meta, arrays


def remove_stale(current: Path, pattern: str) -> None:
    """Delete models cached for older data or code beside `current`: they only fill the disk."""
    for old in current.parent.glob(pattern):
        if old != current:
            old.unlink(missing_ok=True)
