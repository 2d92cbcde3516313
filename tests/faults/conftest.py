"""A production-shaped stack per test: a Redis of the test's own (so the test can stop it), and the
project's processes on the test database, each in a process group of its own: gunicorn, Celery
workers (solo or prefork) and Celery beat running the job sweep. Deadlines are seconds, not
minutes, so a test sees recovery quickly: a run whose heartbeat stopped for 3 s is dead, the
sweep runs every second, Redis hands an unacknowledged message on after 5 s."""

import os
import uuid

import pytest
import requests
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from apps.core.api_keys import issue_api_key
from tests.processes import (
    RedisServer,
    Service,
    beat_argv,
    free_port_in,
    gunicorn_argv,
    serves,
    wait_for,
    worker_argv,
)
from tests.servers import postgres_url

PASSWORD = "pw-not-used-123"
DEADLINES = {
    "JOBS_STALE_AFTER": "3",
    "JOBS_SWEEP_INTERVAL": "1",
    "JOBS_REPUBLISH_AFTER": "3",
    "CELERY_VISIBILITY_TIMEOUT": "5",
}


class Stack:
    def __init__(self, tmp_path):
        self.redis = RedisServer()
        self.redis.start()
        self.media = tmp_path / "media"
        self.logs = tmp_path
        self.env = dict(
            os.environ,
            DATABASE_URL=postgres_url(),
            REDIS_URL=self.redis.url(0),
            CELERY_BROKER_URL=self.redis.url(1),
            CELERY_RESULT_BACKEND=self.redis.url(2),
            CELERY_TASK_ALWAYS_EAGER="0",
            MEDIA_ROOT=str(self.media),
            DEBUG="0",
            SECURE_SSL_REDIRECT="0",
            PEEPL_THROTTLE_RATE="10000/min",
            LOG_LEVEL="WARNING",
            **DEADLINES,
        )
        self.services: list[Service] = []
        self.base_url = ""

    def start(self, name, argv, **env) -> Service:
        service = Service(name, argv, {**self.env, **env}, self.logs)
        service.start()
        self.services.append(service)
        return service

    def worker(self, name: str, pool: str = "prefork", **env) -> Service:
        """A worker (prefork: a main process and two pool processes), once it says it is ready
        (its log at INFO level also shows each task it ran)."""
        hostname = f"{name}-{uuid.uuid4().hex[:6]}@localhost"
        argv = worker_argv(hostname, pool, 2 if pool == "prefork" else 1, loglevel="INFO")
        service = self.start(name, argv, **env)

        def ready():
            assert service.running, f"worker {name} exited:\n{service.tail()}"
            return service.log.exists() and f"{hostname} ready." in service.log.read_text(errors="replace")

        wait_for(ready, 60, what=f"worker {name} to be ready")
        return service

    def beat(self) -> Service:
        return self.start("beat", beat_argv(self.logs / "celerybeat-schedule"))

    def server(self) -> Service:
        port = free_port_in(8400, 8449)
        service = self.start("gunicorn", gunicorn_argv(port))
        self.base_url = f"http://127.0.0.1:{port}"
        try:
            wait_for(lambda: serves(self.base_url), 60, what="gunicorn")
        except AssertionError:
            raise AssertionError(f"gunicorn did not start:\n{service.tail()}") from None
        return service

    def close(self):
        for service in reversed(self.services):
            service.kill()  # no graceful shutdown to wait for: the stack goes with the test
        self.redis.stop()

    def logs_text(self) -> str:
        return "\n".join(f"--- {s.name}\n{s.tail()}" for s in self.services)


@pytest.fixture
def stack(tmp_path):
    stack = Stack(tmp_path)
    yield stack
    stack.close()


@pytest.fixture
def staff(django_user_model, settings):
    """A superuser the server processes can log in (a password hash they know) and an API key."""
    user = django_user_model.objects.create_superuser("staff", "staff@example.com", None)
    hasher = PBKDF2PasswordHasher()  # the tests' own (settings.PASSWORD_HASHERS) is MD5
    user.password = hasher.encode(PASSWORD, hasher.salt())
    user.save(update_fields=["password"])
    user.raw_key = issue_api_key(user, "faults")[1]
    return user


class Http(requests.Session):
    """Requests to the stack's server: the path is joined to its address."""

    def __init__(self, base_url: str, **headers):
        super().__init__()
        self.base_url = base_url
        self.headers.update(headers)

    def request(self, method, path, *args, **kwargs):
        kwargs.setdefault("timeout", 60)
        return super().request(method, self.base_url + path, *args, **kwargs)
