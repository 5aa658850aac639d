"""A private virtual session for each pytest-xdist worker of the GUI suite.

GUI tests share a screen, a keyboard focus and a session bus, so two of them must never
run in one session. When the suite runs on several workers (`make test TEST_JOBS=2`),
each worker starts its own tests/gui/xsession (its own Xvfb, D-Bus session and
accessibility bus) and takes that session's environment as its own before anything
touches the display or the bus. Without xdist the suite runs inside the xsession its
caller started, as before.
"""

import atexit
import json
import os
import subprocess
import sys
from pathlib import Path

XSESSION = Path(__file__).resolve().parent / "xsession"
# Runs inside the session: prints the session's environment, then holds the session
# open until the worker closes its end of the pipe (at exit, or when it dies).
HOLD = "import json, os, sys; print(json.dumps(dict(os.environ)), flush=True); sys.stdin.read()"


def enter():
    """In an xdist worker, starts this worker's xsession and replaces os.environ with the
    session's environment; it ends when the worker does. Elsewhere does nothing. Fails
    loudly when the session cannot start."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return
    session = subprocess.Popen([str(XSESSION), sys.executable, "-c", HOLD],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    line = session.stdout.readline()
    if not line:
        raise RuntimeError(f"tests/gui/xsession did not start (status {session.wait()})")
    environment = json.loads(line)
    environment.pop("CHAT_XSESSION_INNER", None)

    def leave():
        session.stdin.close()
        session.wait(timeout=60)

    atexit.register(leave)
    os.environ.clear()
    os.environ.update(environment)
