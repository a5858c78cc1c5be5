"""A module run in a short-lived child process that answers in JSON: for work whose imports
would otherwise stay in this process for good (Apprise and its plugins)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

TIMEOUT_SECONDS = 120
# What a child that cannot run or answers nothing usable raises.
FAILURES = (OSError, ValueError, subprocess.SubprocessError)


def answer_of(module: str, stdin: str = "") -> Any:
    """``python -P -m module`` given ``stdin``: the JSON of its last line of output. Secrets go
    on standard input, never the command line (``-P``: the working directory is not put on the
    child's import path)."""
    done = subprocess.run(
        [sys.executable, "-P", "-m", module],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
        check=False,
    )
    if done.returncode != 0:
        raise ValueError(f"exit {done.returncode}: {done.stderr.strip()[-300:]}")
    if not done.stdout.strip():
        raise ValueError("no answer")
    return json.loads(done.stdout.splitlines()[-1])
