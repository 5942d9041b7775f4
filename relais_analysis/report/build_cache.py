"""Work shared by the notebooks of one build, cached on disk and keyed by content.

Every notebook of ``relais report`` used to load and validate the same data folder and
compute the same outcome analysis (the year's questionnaires, whatever the scope) in
its own kernel: 25 times the same result for a build with relay sheets. A
:class:`BuildCache` lets the first notebook (or a worker, while the tables are being
protected) compute such a result once and the others read it back.

- The cache lives in the build's **internal** folder (beside the protected tables,
  ``OUT/interne/YEAR/tableaux_proteges/cache/``), never in the published tree, and the
  build removes it when it ends.
- An entry's name holds a SHA-256 of everything the result depends on (see
  :func:`content_key`): the bytes of the data files and of the population file, the
  parameters, the package's own source and reference files, and the versions of
  Python, pandas and numpy. Change any input and the key changes: a stale entry is
  never read, it is recomputed under the new key.
- Entries are written to a temporary file and renamed, so a reader never sees half a
  file; on POSIX a lock per entry makes concurrent notebooks wait for the one that
  computes instead of computing the same thing twice.
- A cached result is exactly what the computation returns (pickle round trip), so the
  report's files are the same bytes with or without the cache (tested).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

from relais_analysis.errors import ParameterError

__all__ = ["BuildCache", "cache_for", "content_key", "source_digest"]

T = TypeVar("T")

#: Folder of the cache, inside the folder of the protected tables of a build.
CACHE_DIR = "cache"


def _update_with_path(digest: "hashlib._Hash", path: Path) -> None:
    """Feed a file (its bytes) or a folder (every file under it, by relative path) into ``digest``."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file())
        digest.update(f"dir:{len(files)}\0".encode())
        for file in files:
            digest.update(file.relative_to(path).as_posix().encode() + b"\0")
            _update_with_path(digest, file)
        return
    with path.open("rb") as fh:
        digest.update(f"file:{path.stat().st_size}\0".encode())
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)


def content_key(*parts: object) -> str:
    """SHA-256 (hex) of ``parts``: a :class:`~pathlib.Path` counts by its content, anything else by ``repr``.

    A file contributes its bytes and a folder every file under it (relative names and
    bytes), never a modification time: two copies of the same data give the same key.

    Raises
    ------
    ParameterError
        A path that does not exist.

    Examples
    --------
    >>> content_key("outcomes", 2024, "fr") == content_key("outcomes", 2024, "fr")
    True
    >>> content_key("outcomes", 2024, "fr") == content_key("outcomes", 2024, "en")
    False
    """
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, Path):
            if not part.exists():
                raise ParameterError(f"Fichier introuvable : {part}.", f"File not found: {part}.")
            digest.update(b"path\0")
            _update_with_path(digest, part)
        else:
            digest.update(f"{type(part).__name__}:{part!r}\0".encode())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def source_digest() -> str:
    """Key of the code and reference data a cached result was computed with.

    The same digest as the protection cache's (:func:`relais_analysis.privacy.protection_cache.code_digest`:
    the package's modules, texts and instrument definitions, the project's reference data, and
    the versions of Python, pandas and numpy), computed once per process.
    """
    from relais_analysis.privacy.protection_cache import code_digest

    return code_digest()


class BuildCache:
    """Pickled results of one build, one file per (name, key), in ``folder``.

    Parameters
    ----------
    folder : path
        Internal folder of the cache (created when the first entry is written).
    """

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def path(self, name: str, key: str) -> Path:
        """File of an entry: ``<name>-<key>.pickle``."""
        return self.folder / f"{name}-{key}.pickle"

    @contextlib.contextmanager
    def _locked(self, name: str, key: str) -> Iterator[None]:
        from relais_analysis.privacy.protection_cache import computing  # the same lock per entry

        with computing(self.folder, f"{name}-{key}"):
            yield

    def get(self, name: str, key: str) -> tuple[bool, object]:
        """``(True, value)`` for an entry already written, ``(False, None)`` otherwise."""
        path = self.path(name, key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return False, None
        return True, pickle.loads(data)  # internal file written by this build, never user input

    def put(self, name: str, key: str, value: object) -> Path:
        """Write an entry atomically (temporary file, then rename)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.path(name, key)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=self.folder)
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return path

    def get_or_compute(self, name: str, key: str, compute: Callable[[], T]) -> T:
        """The entry ``(name, key)``; computed by ``compute()`` and written when missing.

        Concurrent callers with the same entry wait for the one computing it (POSIX).

        Raises
        ------
        Exception
            Whatever ``compute`` raises (nothing is written then).
        """
        found, value = self.get(name, key)
        if found:
            return value  # type: ignore[return-value]
        with self._locked(name, key):
            found, value = self.get(name, key)
            if found:
                return value  # type: ignore[return-value]
            value = compute()
            self.put(name, key, value)
            return value


def cache_for(protected_tables: str | Path | None) -> BuildCache | None:
    """The cache of the build that wrote ``protected_tables``, if that build shares its work.

    None for a notebook run on its own, or when the folder ``cache/`` beside the protected
    tables does not exist (``relais report`` creates it, unless ``share_work=False``).
    """
    if protected_tables in (None, "", "None"):
        return None
    folder = Path(str(protected_tables)).parent / CACHE_DIR
    return BuildCache(folder) if folder.is_dir() else None
