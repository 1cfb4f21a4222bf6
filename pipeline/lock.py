"""One build at a time per output folder: a lock file held for the whole build.

Two builds into the same `--out` would mix their outputs and clean each other's cache
rows; the second one is refused at once with a one-line error. The lock is the kernel's
(`fcntl.flock`), so it goes with its process, however that process ends.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from entity_graph.pipeline.errors import OutputError

LOCK_NAME = ".entity-graph.lock"


@contextlib.contextmanager
def output_lock(out_dir: str | Path) -> Iterator[None]:
    """Hold the output folder's lock for the duration of the block; `OutputError` if
    another build holds it.

    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with output_lock(folder):
    ...     with output_lock(folder):  # doctest: +ELLIPSIS
    ...         pass
    Traceback (most recent call last):
    entity_graph.pipeline.errors.OutputError: ...another build is writing to this folder...
    """
    try:
        import fcntl
    except ImportError:  # not on a POSIX system: no lock, as before
        yield
        return
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(out / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise OutputError(f"{out}: cannot write there ({error.strerror or error})") from error
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as error:
            holder = os.pread(descriptor, 32, 0).decode(errors="replace").strip() or "?"
            raise OutputError(f"{out}: another build is writing to this folder (process "
                              f"{holder}); wait for it to end or choose another --out"
                              ) from error
        os.ftruncate(descriptor, 0)
        os.pwrite(descriptor, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(descriptor)  # closing releases the lock
