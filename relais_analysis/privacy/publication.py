"""A report site built whole or not at all, with nothing internal inside it.

:func:`relais_analysis.report.build.build_report` writes into two fresh folders beside
their targets (:class:`Staging`): the **published** tree ``OUT/YEAR/`` (HTML, maps,
figures, protected tables, methodology: what a coordinator may zip and send) and the
**internal** tree ``OUT/interne/YEAR/`` (rejection report, executed notebooks, build
log: never linked from the published pages). Only when everything is written are the
new folders swapped in, each by one ``rename``; interrupted before (Ctrl-C, a crash, a
full disk), the previous folders stay as they were and the unfinished ones are removed.

Also here: folder names of relay sheets that are unique and short whatever the relay
codes (:func:`relay_folders`), the check of an output path (:func:`check_output_dir`),
and stopping the processes a build started (:func:`stop_processes`).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import hashlib
import os
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from relais_analysis.errors import ParameterError
from relais_analysis.i18n import text, text_pair
from relais_analysis.text_folding import strip_accents
from relais_analysis.privacy.published_csv import read_published_table  # noqa: F401  (the reader of this door)

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["INTERNAL_DIR", "Staging", "check_output_dir", "check_site_root", "descendants", "internal_root", "relay_folders",
           "holding_sigint", "read_published_table", "safe_file_stem", "stop_processes", "write_published_table"]

#: Folder, beside the yearly published folders, of what must never be published.
INTERNAL_DIR = "interne"
_MAX_SLUG = 40
#: Folder name of a relay whose code keeps no Latin letter (a file-system name, not reader text).
_FALLBACK_FOLDER = "relais"


def internal_root(out_dir: str | Path, year: int) -> Path:
    """``OUT/interne/YEAR``: the internal folder of a year, outside the published ``OUT/YEAR``.

    Examples
    --------
    >>> internal_root("reports", 2024).as_posix()
    'reports/interne/2024'
    """
    return Path(out_dir) / INTERNAL_DIR / str(year)


def check_site_root(out_root: Path) -> Path:
    """Refuse an output folder that is itself a published year or internal folder.

    ``relais report --out reports`` writes ``reports/2024/`` (published) and
    ``reports/interne/2024/`` (internal). Given ``--out reports/2024``, the internal folder
    would land inside the folder a coordinator zips and sends; given ``--out reports/interne``,
    published pages would sit among internal files.

    Raises
    ------
    ParameterError
        If ``out_root`` is named like a year (``2024``) or ``interne``, or already holds a
        site's ``index.html``; the message names the parent folder to give instead.

    Examples
    --------
    >>> check_site_root(Path("reports")).as_posix()
    'reports'
    >>> check_site_root(Path("reports/2024"))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    relais_analysis.errors.ParameterError: Le dossier de sortie reports/2024 ... (--out reports), qui recevra 2024/ ...
    """
    name = out_root.name
    if (len(name) == 4 and name.isdigit()) or name == INTERNAL_DIR or (out_root / "index.html").is_file():
        parent = out_root.parent.as_posix()
        fields = {"folder": out_root.as_posix(), "parent": parent, "internal": INTERNAL_DIR}
        raise ParameterError(
            text("publication.site_root_is_published", "fr", **fields,
                 year=name if name.isdigit() else text("publication.year_placeholder", "fr")),
            text("publication.site_root_is_published", "en", **fields,
                 year=text("publication.year_placeholder", "en")),
        )
    return out_root


def check_output_dir(path: str | Path) -> Path:
    """Return ``path`` as a folder to write in, created if missing.

    Raises
    ------
    ParameterError
        If ``path`` (or one of its parents) exists and is not a folder, or cannot be
        created.
    """
    path = Path(path)
    for part in [path, *path.parents]:
        if part.exists() and not part.is_dir():
            raise ParameterError(*text_pair("publication.output_not_a_folder_hint", path=part))
        if part.exists():
            break
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ParameterError(*text_pair("publication.cannot_create_output", path=path, error=exc.strerror)) from exc
    return path


def _slug(text: str) -> str:
    folded = strip_accents(text).lower()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def safe_file_stem(text: str) -> str:
    """A short file name unique to ``text``: its folded form (40 characters at most) and 8 hex of its hash.

    For files named after user codes (relay ids, scopes): ``R/1`` and ``R_1`` differ,
    and a 300-character code stays well under the file systems' 255-byte limit.

    Examples
    --------
    >>> safe_file_stem("R:R/1") != safe_file_stem("R:R_1"), len(safe_file_stem("R:" + "x" * 300))
    (True, 49)
    """
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
    return f"{(_slug(text)[:_MAX_SLUG].strip('-') or 'x')}-{digest}"


def relay_folders(relay_ids: Iterable[str]) -> dict[str, str]:
    """A folder name per relay code: unique, short, file-system safe, stable.

    A code whose lower-case form is already a clean short name keeps it (``R01`` ->
    ``r01``). Any other code (characters lost by the folding, more than 40 characters,
    nothing left in Latin letters, or two codes that would share a name) gets its
    short name followed by 8 characters of a hash of the exact code, so ``R/1`` and
    ``R-1`` never share a folder.

    Examples
    --------
    >>> relay_folders(["R01", "R/1", "R-1"])["R01"]
    'r01'
    >>> folders = relay_folders(["R/1", "R-1", "Реле", "Узел"])
    >>> len(set(folders.values())), folders["R/1"][:4], folders["R-1"][:4], folders["Реле"][:7]
    (4, 'r-1-', 'r-1-', 'relais-')
    >>> len(relay_folders(["R" * 300])["R" * 300])
    49
    """
    ids = list(dict.fromkeys(str(i) for i in relay_ids))
    slugs = {i: _slug(i) for i in ids}
    taken: dict[str, int] = {}
    for s in slugs.values():
        taken[s] = taken.get(s, 0) + 1
    folders = {}
    for i in ids:
        s = slugs[i]
        clean = s and s == i.lower() and len(s) <= _MAX_SLUG and taken[s] == 1
        if clean:
            folders[i] = s
        else:
            digest = hashlib.sha256(i.encode("utf-8")).hexdigest()[:8]
            folders[i] = f"{(s[:_MAX_SLUG].strip('-') or _FALLBACK_FOLDER)}-{digest}"
    if len(set(folders.values())) != len(folders):  # a clean name equal to a hashed one: hash everything
        folders = {i: f"{(slugs[i][:_MAX_SLUG].strip('-') or _FALLBACK_FOLDER)}-"
                      f"{hashlib.sha256(i.encode('utf-8')).hexdigest()[:12]}" for i in ids}
    return folders


def write_published_table(table: pd.DataFrame, path: str | Path, *, threshold: int | None = None, lang: str = "fr",
                          count_columns: Iterable[str] | None = None) -> Path:
    """Check a protected table and write it as CSV that a spreadsheet opens as text, never as formulas.

    Same file as :func:`relais_analysis.privacy.export.write_published_csv` (masked cells
    ``n.p.``, no data empty, ``\\n`` line ends, the index only when it is not a plain
    ``RangeIndex``), with every text cell that a spreadsheet would run as a formula
    (``=``, ``+``, ``-``, ``@``, tab, carriage return) prefixed by ``'``
    (:func:`relais_analysis.privacy.safe_csv.write_csv`): a relay named
    ``=HYPERLINK("http://x";"Cliquez")`` stays text in Excel and LibreOffice.

    Raises
    ------
    PrivacyError
        A count from 1 to threshold - 1 is left; nothing is written.
    ParameterError
        Invalid ``lang`` or ``threshold``.
    """
    import pandas as pd

    from relais_analysis.privacy.checks import check_publishable
    from relais_analysis.privacy.export import resolve_threshold as _resolve_threshold, to_publishable_frame
    from relais_analysis.privacy.safe_csv import write_csv

    threshold = _resolve_threshold(table, threshold)
    check_publishable(table, threshold=threshold, count_columns=None if count_columns is None else list(count_columns))
    frame = to_publishable_frame(table, lang, threshold=threshold)
    default_index = isinstance(table.index, pd.RangeIndex) and table.index.name is None
    return write_csv(frame, path, index=not default_index)


# --------------------------------------------------------------------------- staging and swap

_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two existing folders in one atomic step (Linux ``renameat2``); False if unsupported."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(a))


def swap_in(new: Path, target: Path) -> None:
    """Put folder ``new`` in place of ``target`` (kept whole until then), then remove the old one.

    Ctrl-C is held back during the swap; the exchange is atomic where the system
    supports it (Linux), else two renames a few microseconds apart.
    """
    with holding_sigint():
        if not target.exists():
            new.rename(target)
            return
        if _exchange(new, target):
            shutil.rmtree(new, ignore_errors=True)  # ``new`` now holds the previous folder
            return
        old = target.with_name(f".{target.name}.ancien-{os.getpid()}")
        target.rename(old)
        new.rename(target)
        shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def holding_sigint() -> Iterator[None]:
    """Ctrl-C ignored inside the block (main thread only): for steps that must not stop half-way."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


class Staging:
    """Temporary folders beside ``site`` and ``internal``, swapped in by :meth:`commit`.

    Used as a context manager: leaving it without :meth:`commit` (an exception, Ctrl-C)
    removes the temporary folders and leaves the targets untouched.

    Raises
    ------
    ParameterError
        If a target's parent is not a folder, or the disk is full while staging.
    """

    def __init__(self, site: Path, internal: Path) -> None:
        self.targets = {"site": Path(site), "internal": Path(internal)}
        self.folders: dict[str, Path] = {}

    def __enter__(self) -> Staging:
        for target in self.targets.values():  # every check before any folder is created
            check_output_dir(target.parent)
            if target.exists() and not target.is_dir():
                raise ParameterError(*text_pair("publication.output_not_a_folder", path=target))
        try:
            for key, target in self.targets.items():
                self.folders[key] = Path(tempfile.mkdtemp(prefix=f".{target.name}.en-cours-", dir=target.parent))
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    @property
    def site(self) -> Path:
        """The folder being written that will become the published ``OUT/YEAR``."""
        return self.folders["site"]

    @property
    def internal(self) -> Path:
        """The folder being written that will become ``OUT/interne/YEAR``."""
        return self.folders["internal"]

    def commit(self, *, site: bool = True) -> None:
        """Swap the internal folder in, then the published one (unless ``site=False``)."""
        swap_in(self.folders.pop("internal"), self.targets["internal"])
        if site:
            swap_in(self.folders.pop("site"), self.targets["site"])

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        for folder in self.folders.values():
            shutil.rmtree(folder, ignore_errors=True)
        self.folders.clear()
        if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise ParameterError(*text_pair("publication.disk_full", site=self.targets["site"])) from exc


# --------------------------------------------------------------------------- processes


def descendants(pid: int) -> list[int]:
    """Process ids of every descendant of ``pid`` (Linux ``/proc``; empty elsewhere)."""
    children: dict[int, list[int]] = {}
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def stop_processes(pids: Iterable[int], grace: float = 3.0) -> None:
    """Ask processes to stop (SIGTERM), then kill those still running after ``grace`` seconds."""
    pids = [p for p in dict.fromkeys(pids) if p != os.getpid()]
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_alive(p) for p in pids):
        time.sleep(0.05)
    for pid in pids:
        if _alive(pid):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
