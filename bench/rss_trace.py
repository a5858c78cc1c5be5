"""A process's resident memory over time, finely enough to see a spike that lasts
milliseconds (VmHWM says how high, not when).

    .venv/bin/python bench/rss_trace.py PID [--every-ms 5] [--step-mb 1]

Reads ``/proc/PID/status`` every ``--every-ms`` and prints ``seconds RSS-MB`` whenever VmRSS
moved by ``--step-mb`` or more since the last line, until the process exits; then the
highest RSS seen and when. Run it beside bench/memory_bench.py (on the daemon's pid) to
place the peak in the daemon's life.
"""

from __future__ import annotations

import argparse
import time

import daemon_bench


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("pid", type=int)
    p.add_argument("--every-ms", type=float, default=5)
    p.add_argument("--step-mb", type=float, default=1)
    args = p.parse_args()
    start, last, high, high_at = time.monotonic(), 0.0, 0.0, 0.0
    while True:
        try:
            rss = daemon_bench.rss_mb(args.pid)
        except OSError:  # gone
            break
        if not rss:  # exited, not yet reaped
            break
        now = time.monotonic() - start
        if rss > high:
            high, high_at = rss, now
        if abs(rss - last) >= args.step_mb:
            print(f"{now:.3f} {rss:.1f}", flush=True)
            last = rss
        time.sleep(args.every_ms / 1000)
    print(f"highest {high:.1f} MB at {high_at:.3f} s")


if __name__ == "__main__":
    main()
