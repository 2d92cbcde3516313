"""Time `manage.py seed_demo --parties N` on a fresh SQLite file and print the rate.

    .venv/bin/python benchmarks/seed_parties.py 100000

Migrates a new database in a temporary folder, then runs the command once and reports the wall
time of the whole command (demo data + N bulk parties) and the bulk step's own line.
"""

import os
import resource
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def manage(env, *args) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    return result.stdout


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(folder) / 'bench.sqlite3'}",
            "CELERY_TASK_ALWAYS_EAGER": "1",
        }
        for name in ("CELERY_BROKER_URL", "REDIS_URL"):
            env.pop(name, None)
        manage(env, "migrate", "--noinput", "-v", "0")
        cpu_before = _children_cpu()
        started = time.monotonic()
        output = manage(env, "seed_demo", "--parties", str(count))
        elapsed = time.monotonic() - started
        cpu = _children_cpu() - cpu_before
    for line in output.splitlines():
        print(f"  {line}")
    print(f"seed_demo --parties {count}: {elapsed:.1f} s wall, {count / elapsed:,.0f} parties/s")
    print(f"  CPU time {cpu:.1f} s (user + system: the wall time when the machine is not shared)")
    print(f"  SQLite {sqlite3.sqlite_version}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


if __name__ == "__main__":
    main()
