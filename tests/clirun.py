"""Run the ``relais`` command line in the test process: same ``main``, no new interpreter.

A subprocess costs 2-4 s of imports (pandas, geopandas, matplotlib) per call on this machine and adds nothing
when a test checks what ``main`` prints and returns. The few tests about the process itself (exit code of
``python -m relais_analysis``, Ctrl-C, kernel output on a real terminal) keep a real subprocess: see
``test_cli.py::test_the_console_entry_point_returns_the_exit_code`` and ``test_published_tree.py``.
"""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys


def relais(*args: str) -> subprocess.CompletedProcess:
    """``relais ARGS`` run in-process: ``returncode``, ``stdout`` and ``stderr`` as a subprocess would give them.

    An ``argparse`` error (``SystemExit``) becomes its exit code, as in a real process.
    """
    from relais_analysis.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(list(args))
        except SystemExit as exc:  # argparse: --help or a usage error
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
    return subprocess.CompletedProcess(["relais", *args], code, out.getvalue(), err.getvalue())


def real_relais(*args: str, timeout: float = 600, **kwargs) -> subprocess.CompletedProcess:
    """``python -m relais_analysis ARGS`` in a new process (for exit codes and process-level behaviour)."""
    return subprocess.run([sys.executable, "-m", "relais_analysis", *args], capture_output=True, text=True,
                          timeout=timeout, **kwargs)
