"""Helper processes (the NLP workers, the forked GEXF writer) end with the build.

Killed with `kill -9`, a build cannot stop its workers itself; on Linux the kernel can,
if each worker asked for a signal when its parent dies (`prctl(PR_SET_PDEATHSIG)`).
Elsewhere this does nothing, and workers end when they next find their pipe closed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import sys

_PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int | None = None) -> None:
    """Have the kernel send SIGKILL to this process when its parent ends; if the parent
    (`parent`, its pid when this process was made) is already gone, end now."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    if parent is not None and os.getppid() != parent:  # it died before the call above
        os._exit(1)
