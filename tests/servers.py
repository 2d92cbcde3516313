"""Real server processes for tests that must go through one (what a test client cannot show, such
as which request headers a server drops): started on a free port against the test database, and
spoken to over a raw socket so no client library rewrites a header."""

import http.client
import os
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def postgres_url() -> str:
    """DATABASE_URL of the PostgreSQL test database, for a process of its own."""
    db = connection.settings_dict
    auth = quote(db["USER"] or "")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"])
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def shared_database_url(folder: Path) -> str:
    """DATABASE_URL for a server process that sees what the test has committed: the test database
    itself on PostgreSQL; on SQLite (an in-memory test database) a file copy of it, made now."""
    if connection.vendor != "sqlite":
        return postgres_url()
    path = folder / "server.sqlite3"
    connection.ensure_connection()
    with sqlite3.connect(path) as copy:
        connection.connection.backup(copy)
    return f"sqlite:///{path}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerProcess:
    """`command` (with `{port}` in it) run from the repository root until stop()."""

    def __init__(self, command: list[str], env: dict, log: Path):
        self.port = free_port()
        self.command = [part.format(port=self.port) for part in command]
        self.env = {**os.environ, **env}
        self.log = log
        self.process = None

    def start(self, timeout: float = 60) -> "ServerProcess":
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(self.command, env=self.env, cwd=ROOT, stdout=log, stderr=log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command[:4]} exited at start-up:\n{self.log.read_text()}")
            try:
                if self.request("GET", "/healthz").status == 200:
                    return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"{self.command[:4]} did not answer within {timeout} s:\n{self.log.read_text()}")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    def request(self, method: str, path: str, headers=(), body: bytes | None = None):
        """Send the request with `headers` exactly as given (name case and underscores included);
        the response has its body read into `.body`."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.putrequest(method, path, skip_accept_encoding=True)
            for name, value in headers:
                conn.putheader(name, value)
            if body is not None:
                conn.putheader("Content-Length", str(len(body)))
            conn.endheaders(body)
            response = conn.getresponse()
            response.body = response.read()
            return response
        finally:
            conn.close()


def runserver(env: dict, log: Path) -> ServerProcess:
    """`manage.py runserver` as `make run` starts it (DEBUG=1)."""
    command = [sys.executable, "manage.py", "runserver", "--noreload", "127.0.0.1:{port}"]
    return ServerProcess(command, {"DEBUG": "1", **env}, log)


def gunicorn(env: dict, log: Path) -> ServerProcess:
    """gunicorn with the shipped gunicorn.conf.py, as the Dockerfile starts it (DEBUG=0)."""
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "-c",
        "gunicorn.conf.py",
        "crm.wsgi",
        "--bind",
        "127.0.0.1:{port}",
        "--workers",
        "1",
    ]
    production = {"DEBUG": "0", "SECURE_SSL_REDIRECT": "0", "ALLOWED_HOSTS": "127.0.0.1"}
    return ServerProcess(command, {**production, **env}, log)
