"""Real processes and threads for the tests that need them: a Redis server of the test's own (so
a test can stop it), the project's own processes (a Celery worker or beat, a gunicorn server),
each in a process group of its own so a test can kill it whole (`kill -9` of a worker's main
process and its pool), and concurrent writers (threads, each with its database connection)."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

from django.db import connections

from tests.servers import free_port

ROOT = Path(__file__).resolve().parent.parent


def free_port_in(first: int, last: int) -> int:
    """The first TCP port of first..last that nobody listens on."""
    for port in range(first, last + 1):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return sock.getsockname()[1]
    raise RuntimeError(f"no free port in {first}-{last}")


def wait_for(condition, timeout: float, interval: float = 0.1, what: str = "the condition"):
    """Poll `condition` until it returns something true (returned), or fail after `timeout` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class RedisServer:
    """`redis-server` on a free port, without persistence: stopping it loses what it held, as a
    crashed Redis without persistence does."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process = None

    def url(self, db: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self):
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.answers, 10, what=f"redis-server on port {self.port}")

    def answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


class Service:
    """One of the project's processes (`python -m celery ...`, gunicorn), started in a process
    group of its own, its output in a log file."""

    def __init__(self, name: str, argv: list[str], env: dict, log_dir: Path):
        self.name, self.argv, self.env = name, argv, env
        self.log = log_dir / f"{name}.log"
        self.process = None

    def start(self):
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                self.argv, env=self.env, cwd=ROOT, stdout=log, stderr=log, start_new_session=True
            )

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def signal_group(self, sig):
        """Send `sig` to the whole process group (the main process and, for a worker, its pool)."""
        os.killpg(self.process.pid, sig)

    def kill(self):
        """`kill -9` of the whole group, as a crash or an OOM kill of the container would."""
        if self.running:
            self.signal_group(signal.SIGKILL)
            self.process.wait(10)

    def stop(self):
        if not self.running:
            return
        self.signal_group(signal.SIGCONT)  # in case a test paused it
        self.signal_group(signal.SIGTERM)
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.kill()

    def tail(self, lines: int = 40) -> str:
        if not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def celery(*args: str) -> list[str]:
    return [sys.executable, "-m", "celery", "-A", "crm", *args]


def worker_argv(
    hostname: str, pool: str = "solo", concurrency: int = 1, loglevel: str = "WARNING"
) -> list[str]:
    return celery(
        "worker",
        "--pool",
        pool,
        "--concurrency",
        str(concurrency),
        "--loglevel",
        loglevel,
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--hostname",
        hostname,
        "--include",
        "tests.worker_hooks",
    )


def beat_argv(schedule: Path) -> list[str]:
    return celery("beat", "--loglevel", "WARNING", "--schedule", str(schedule))


def gunicorn_argv(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "gunicorn.conf.py",  # production's (it keeps the `api_key` header)
        "crm.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "1",
        "--threads",
        "4",
        "--log-level",
        "warning",
    ]


def serves(base_url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{base_url}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def live_group_members(pgid: int) -> list[int]:
    """The processes of a process group that are alive (not gone, not zombies), from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        state, group = fields[0], int(fields[2])
        if group == pgid and state != "Z":
            members.append(int(stat.parent.name))
    return members


def row_locked(model, pk) -> bool:
    """True while another transaction (another process) holds the row's lock."""
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic():
            model.objects.select_for_update(nowait=True).filter(pk=pk).first()
        return False
    except DatabaseError:
        return True


def run_together(*jobs):
    """Run the jobs in threads started at the same moment; return what each raised (or None)."""
    barrier = threading.Barrier(len(jobs))
    outcome = [None] * len(jobs)

    def run(index, job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # reported to the test
            outcome[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return outcome
