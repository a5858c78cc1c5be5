"""urlwatch over the fixture server's sources, for bench/run.py's side-by-side table.

urlwatch is a benchmark-only tool (the ``bench`` extra, or ``pip install --target DIR
urlwatch`` and ``bench/run.py --urlwatch DIR``). One ``url`` job per source with urlwatch's
own defaults: conditional GET from its cache (ETag, If-Modified-Since), the whole document
diffed against the last one, a text report on stdout, its fixed pool of 10 worker threads
(``urlwatch.worker.MAX_WORKERS``; it has no option for more). Its files live in the
benchmark's temporary directory, so each size starts from an empty cache.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import yaml

_STATE = re.compile(r"^\d+\. (NEW|CHANGED|UNCHANGED|ERROR): ", re.MULTILINE)


def available(path: str) -> bool:
    """Whether urlwatch imports from ``path`` (or, when empty, from this environment)."""
    if path:
        return (Path(path) / "urlwatch").is_dir()
    try:
        import urlwatch  # noqa: F401
    except ImportError:
        return False
    return True


def command(
    directory: Path, sources: list[dict[str, Any]], path: str
) -> tuple[list[str], dict[str, str]]:
    """The command line and environment of one urlwatch pass over ``sources``."""
    jobs = [{"name": s["name"], "url": s["url"]} for s in sources]
    urls = directory / "urlwatch-urls.yaml"
    urls.write_text(yaml.safe_dump_all(jobs, sort_keys=False))
    cmd = [sys.executable, "-c", "import sys; from urlwatch.cli import main; sys.exit(main())"]
    cmd += ["--urls", str(urls), "--config", str(directory / "urlwatch.yaml")]
    cmd += ["--hooks", str(directory / "urlwatch-hooks.py")]
    cmd += ["--cache", str(directory / "urlwatch-cache.db")]
    env = {**os.environ, "HOME": str(directory)}  # its keyring and default folders
    if path:
        env["PYTHONPATH"] = path
    return cmd, env


def summary(output: str) -> str:
    counts = {"NEW": 0, "CHANGED": 0, "UNCHANGED": 0, "ERROR": 0}
    for state in _STATE.findall(output):
        counts[state] += 1
    return ", ".join(f"{k.lower()} {v}" for k, v in counts.items())
