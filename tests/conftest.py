import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework.test import APIClient

from apps.core.api_keys import issue_api_key
from crm.celery import app as celery_app
from tests.processes import RedisServer
from tests.servers import postgres_url

ROOT = Path(__file__).resolve().parent.parent


def _worker_available() -> bool:
    from django.conf import settings

    engine = settings.DATABASES["default"]["ENGINE"]
    return bool(settings.CELERY_BROKER_URL) and not engine.endswith("sqlite3")


def pytest_collection_modifyitems(config, items):
    """Tests marked `worker` need a broker and a server database (.ci/run's second pass); without
    them they are skipped before any fixture runs, so a skipped one never flushes the database."""
    if _worker_available():
        return
    skip = pytest.mark.skip(reason="needs a real broker and PostgreSQL (CELERY_BROKER_URL, DATABASE_URL)")
    for item in items:
        if item.get_closest_marker("worker"):
            item.add_marker(skip)


@pytest.fixture(scope="session", autouse=True)
def _test_run_settings():
    """For the whole run: plain HTTP without a redirect to HTTPS, as the test client and the live
    server talk (pytest-django's `live_server` starts once and reads it then); and static file
    URLs without a collected manifest (the admin and the API docs pages name static files)."""
    from django.conf import settings as django_settings

    static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override = override_settings(
        SECURE_SSL_REDIRECT=False, STORAGES={**django_settings.STORAGES, "staticfiles": static}
    )
    override.enable()
    yield
    override.disable()


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path, request):
    """A fresh cache (throttle counters), a private media folder and eager Celery for every
    test; tests marked `worker` get the real worker instead (see `celery_worker`)."""
    from django.contrib.contenttypes.models import ContentType

    # A transactional test's flush recreates content types with new ids: never reuse cached ones.
    ContentType.objects.clear_cache()
    cache.clear()
    settings.SECURE_SSL_REDIRECT = False  # the test client talks plain HTTP
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.PEEPL_THROTTLE_RATE = "100000/min"
    # Production's PBKDF2 costs ~0.3 s a password; tests create users by the hundred.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    uses_worker = request.node.get_closest_marker("worker") is not None
    if uses_worker:
        worker = request.getfixturevalue("celery_worker")
        settings.MEDIA_ROOT = str(worker.media_root)
    _set_eager(not uses_worker)
    yield
    _set_eager(True)
    cache.clear()


def _set_eager(value: bool) -> None:
    # Celery reads the namespaced key (CELERY_TASK_ALWAYS_EAGER, from Django's settings) before
    # the plain one, so with a broker configured only setting both switches the mode.
    celery_app.conf.task_always_eager = value
    celery_app.conf.CELERY_TASK_ALWAYS_EAGER = value


class Worker:
    """A real `celery worker` process on the test database (CI gives it a broker of its own)."""

    def __init__(self, env, media_root: Path, name: str):
        self.env = env
        self.name = name
        self.media_root = media_root
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "crm",
                "worker",
                "--pool",
                "solo",
                "--loglevel",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--hostname",
                self.name,
                "--include",
                "tests.worker_hooks",
            ],
            env=self.env,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("the Celery worker exited at start-up")
            if celery_app.control.ping(destination=[self.name], timeout=0.5):
                return
        raise RuntimeError("the Celery worker did not answer within 60 s")

    def kill(self):
        """Kill the worker abruptly (SIGKILL), as a crash would."""
        self.process.kill()
        self.process.wait(10)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def restart(self):
        self.stop()
        self.start()


@pytest.fixture(scope="session")
def celery_worker(django_db_setup, django_db_blocker, tmp_path_factory):
    """Needs a real broker (CELERY_BROKER_URL) and a server database: .ci/run's second pass."""
    name = f"test-{uuid.uuid4().hex[:8]}@localhost"
    media_root = tmp_path_factory.mktemp("worker-media")
    env = dict(
        os.environ,
        DATABASE_URL=postgres_url(),
        CELERY_TASK_ALWAYS_EAGER="0",
        MEDIA_ROOT=str(media_root),
    )
    # Nothing left over from an earlier run: neither queued, nor delivered to a worker that was
    # killed (Redis would hand such a message on after the visibility timeout, mid-session).
    celery_app.control.purge()
    with celery_app.connection_for_write() as connection:
        connection.default_channel.client.delete("unacked", "unacked_index")
    worker = Worker(env, media_root, name=name)
    worker.start()
    yield worker
    worker.stop()


@pytest.fixture
def private_redis():
    """A Redis server of this test's own, which the test may stop and start again."""
    if not shutil.which("redis-server"):
        pytest.skip("needs redis-server")
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser("admin", "admin@example.com", "pw-not-used-123")


@pytest.fixture
def api_key(admin_user):
    _, raw = issue_api_key(admin_user, "tests")
    return raw


@pytest.fixture
def api_client():
    return APIClient()


# --- Browser tests ------------------------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright cannot download its own browser here
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1"}


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium, headless, driven by Playwright; one for the whole run."""
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API keeps an event loop in this thread; the tests' own ORM calls are
    # still synchronous (Django would otherwise refuse them, seeing the loop).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser):
    """A Playwright page in a fresh browser context. The test fails on any console error or
    uncaught page error, and on any request leaving this machine (such requests are blocked, so
    a page that needs the internet shows it)."""
    from urllib.parse import urlparse

    context = browser.new_context()
    page = context.new_page()
    problems = []

    def guard(route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).hostname in LOCAL_HOSTS:
            route.continue_()
        else:
            problems.append(f"request off this machine: {url}")
            route.abort()

    context.route("**/*", guard)
    page.on(
        "console", lambda message: message.type == "error" and problems.append(f"console: {message.text}")
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    yield page
    context.close()
    assert not problems, problems
