"""Where the canonical protection of a year is kept: in memory and on disk, keyed by content.

A key (:func:`protection_key`) is the SHA-256 of

- the validated dataset's content (:func:`dataset_digest`): every frame the protection
  reads, in a stable serialisation (column names, dtypes, and pandas' value hashes),
  the extraction date and the population figures;
- the year, the threshold and the language of the outcome tables;
- the code that computes and protects the tables (:func:`code_digest`: the package's
  modules and text files, the reference data, the versions of Python, pandas and numpy),
  so that editing the code invalidates every entry.

Entries live in an **internal** folder, never in a published tree: ``.cache/relais-protection``
beside the data folder (``data/.cache/...`` for ``data/demo``; gitignored), or the folder
named by the environment variable ``RELAIS_PROTECTION_CACHE`` (``off`` disables the disk).
They are written to a temporary file and renamed, so two processes (test workers, two
builds) never read half a file, and a process about to compute an entry another one is
computing waits for it (:func:`computing`, a POSIX lock per entry) instead of computing it
twice; an entry that cannot be read is computed again, never an error, and a folder that
cannot be written only costs the time of the computation.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

import pandas as pd

__all__ = ["ENV_VAR", "cache_folder", "code_digest", "computing", "dataset_digest", "protection_key", "read_entry",
           "write_entry"]

#: Environment variable naming the cache folder (``off``: memory only).
ENV_VAR = "RELAIS_PROTECTION_CACHE"
_FRAMES = ("relays", "territories", "activities", "participants", "attendance", "activity_counts", "questionnaires")
_CODE_SUFFIXES = {".py", ".toml", ".json", ".yaml", ".yml", ".csv"}
#: id(dataset) -> (dataset, digest): a dataset is hashed once per process.
_DIGESTS: dict[int, tuple[object, str]] = {}


def _frame_bytes(frame: pd.DataFrame | pd.Series | None) -> bytes:
    if frame is None:
        return b"none"
    if isinstance(frame, pd.Series):
        frame = frame.to_frame()
    head = repr([(str(c), str(t)) for c, t in frame.dtypes.items()]).encode()
    try:
        values = pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes()
    except TypeError:  # unhashable cells (lists...): their text
        values = frame.to_csv().encode()
    return head + b"\0" + str(len(frame)).encode() + b"\0" + values


def dataset_digest(dataset: object) -> str:
    """SHA-256 of what the protection reads from a validated dataset.

    Examples
    --------
    >>> import datetime as dt
    >>> from relais_analysis.intake.dataset import Dataset
    >>> empty = pd.DataFrame()
    >>> a = Dataset(empty, empty, empty, empty, pd.DataFrame({"x": [1]}), empty, dt.date(2024, 12, 31))
    >>> b = Dataset(empty, empty, empty, empty, pd.DataFrame({"x": [2]}), empty, dt.date(2024, 12, 31))
    >>> dataset_digest(a) == dataset_digest(b)
    False
    """
    cached = _DIGESTS.get(id(dataset))
    if cached is not None and cached[0] is dataset:
        return cached[1]
    digest = hashlib.sha256()
    for name in _FRAMES:
        digest.update(name.encode() + b"\0" + _frame_bytes(getattr(dataset, name, None)) + b"\0")
    digest.update(f"as_of:{getattr(dataset, 'as_of', None)}\0synthetic:{getattr(dataset, 'synthetic', None)}\0"
                  .encode())
    digest.update(b"population\0" + _frame_bytes(getattr(dataset, "population", None)))
    value = digest.hexdigest()
    while len(_DIGESTS) >= 8:
        _DIGESTS.pop(next(iter(_DIGESTS)))
    _DIGESTS[id(dataset)] = (dataset, value)
    return value


@lru_cache(maxsize=1)
def code_digest() -> str:
    """SHA-256 of the package's source and text files, the reference data and the library versions."""
    import numpy

    from relais_analysis.config import package_dir, project_root

    digest = hashlib.sha256(f"{sys.version}\0{pd.__version__}\0{numpy.__version__}\0".encode())
    package = package_dir()
    roots = [(package, package)]
    reference = project_root() / "data" / "reference"
    if reference.is_dir():
        roots.append((reference, reference.parent))
    for root, base in roots:
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in _CODE_SUFFIXES
                           and "__pycache__" not in p.parts):
            digest.update(path.relative_to(base).as_posix().encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def protection_key(dataset: object, year: int, threshold: int, lang: str) -> str:
    """Key of the canonical protection of ``year`` (see the module's docstring)."""
    parts = f"protection\0{dataset_digest(dataset)}\0{int(year)}\0{int(threshold)}\0{lang}\0{code_digest()}"
    return hashlib.sha256(parts.encode()).hexdigest()


def cache_folder(dataset: object) -> Path | None:
    """The disk cache of ``dataset``'s protections, or None (memory only).

    ``RELAIS_PROTECTION_CACHE`` when set (``off`` or empty: None), otherwise
    ``.cache/relais-protection`` beside the dataset's data folder (None without one).
    """
    configured = os.environ.get(ENV_VAR)
    if configured is not None:
        return None if configured.strip().lower() in ("", "off", "0", "none") else Path(configured)
    data_dir = getattr(dataset, "data_dir", None)
    if data_dir is None:
        return None
    return Path(data_dir).resolve().parent / ".cache" / "relais-protection"


def read_entry(folder: Path | None, key: str) -> object | None:
    """The entry ``key`` of ``folder``, or None when missing, unreadable or corrupt."""
    if folder is None:
        return None
    try:
        data = (folder / f"{key}.pickle").read_bytes()
        return pickle.loads(data)  # internal file written by this package, never user input
    except Exception:  # noqa: BLE001 - missing, truncated or from another library version: compute again
        return None


def write_entry(folder: Path | None, key: str, value: object) -> Path | None:
    """Write ``value`` as the entry ``key`` atomically; None when the folder cannot be written."""
    if folder is None:
        return None
    tmp = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{key}.", suffix=".tmp", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        path = folder / f"{key}.pickle"
        os.replace(tmp, path)
        return path
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        return None


@contextlib.contextmanager
def computing(folder: Path | None, key: str) -> Iterator[None]:
    """Hold the lock of entry ``key`` while it is computed: another process computing it waits, then reads it.

    Without a folder, a folder that cannot be written, or POSIX locks (Windows), nothing
    waits (two processes may then compute the same entry, which costs time only).
    """
    lock = None
    if folder is not None:
        try:
            import fcntl

            folder.mkdir(parents=True, exist_ok=True)
            lock = open(folder / f"{key}.lock", "a+b")  # noqa: SIM115 - closed below
            fcntl.flock(lock, fcntl.LOCK_EX)
        except (ImportError, OSError):
            if lock is not None:
                lock.close()
            lock = None
    try:
        yield
    finally:
        if lock is not None:
            lock.close()  # releases the lock
