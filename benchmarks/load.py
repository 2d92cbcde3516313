"""Load benchmark of every API on PostgreSQL, side by side with a bare Django view.

    .venv/bin/python benchmarks/load.py --database postgres://postgres@127.0.0.1:5432/crm_bench \\
        --parties 1000000 --port 8200 --seconds 10 --connections 8

1. Seeds the database (creating and migrating it when missing) up to `--parties` bulk parties with
   `manage.py seed_demo --parties` (COPY; reused when it already holds them).
2. Starts gunicorn with the production settings (DEBUG off, `gunicorn.conf.py`, `--workers`
   sync workers, 2 by default) on 127.0.0.1:`--port`, with BENCHMARK_VIEWS on: a bare JSON view
   of a list page's size at /benchmark/bare, and `X-SQL-Queries` / `X-SQL-Time` headers.
3. For each request of the fixed set (list page 1, a deep page, detail, the documented searches and
   member lists, create, per API) runs wrk (Debian's `wrk`) for `--seconds`, alternating with the
   bare view, and prints req/s, p50, p99, the ratio to the bare view, and the SQL queries and SQL
   time of one request (the median of five).

`--only SUBSTRING` runs the requests whose label contains it. Quote `uptime` with the figures: on a
shared machine they move with the load.
"""

import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def manage(env, *args, capture=True) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=capture, text=True, check=False
    )
    if result.returncode:
        sys.stderr.write((result.stdout or "") + (result.stderr or ""))
        raise SystemExit(f"manage.py {' '.join(args)} failed")
    return result.stdout or ""


def ensure_database(env, url: str, parties: int) -> None:
    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            print(f"created database {name}")
    manage(env, "migrate", "--noinput", "-v", "0")
    have = int(
        manage(
            env,
            "shell",
            "-c",
            "from apps.parties.models import EmailAddress as E;"
            "print(E.objects.filter(email__endswith='@bulk.example').count())",
        ).split()[-1]
    )
    if have >= parties:
        print(f"reusing {have:,} bulk parties")
        return
    print(f"seeding {parties - have:,} parties (has {have:,}) ...", flush=True)
    started = time.monotonic()
    print(manage(env, "seed_demo", "--parties", str(parties - have)).strip().splitlines()[-2])
    print(f"seed: {time.monotonic() - started:.0f} s wall, load average {os.getloadavg()[0]:.1f}")


FIXTURE_SCRIPT = r"""
import json
from django.contrib.auth import get_user_model
from apps.core.api_keys import issue_api_key
from apps.parties.models import Combination, EmailAddress, Group, Party, Phone, Segment
User = get_user_model()
user, _ = User.objects.get_or_create(username="bench", defaults={"is_staff": True, "is_superuser": True})
user.is_staff = user.is_superuser = True
user.set_password("bench-password-123")
user.save()
_key, raw = issue_api_key(user, "load benchmark")
persons = Party.objects.filter(kind="person")
last = persons.order_by("-id").values_list("id", flat=True).first()
middle = persons.filter(id__lte=last // 2).order_by("-id").values_list("id", flat=True).first()
email = EmailAddress.objects.filter(party_id=middle).values_list("email", flat=True).first()
phone = Phone.objects.filter(party_id=middle).values_list("number", flat=True).first()
person = persons.get(id=middle)
combination = Combination.objects.order_by("id").first()
print(json.dumps({
    "key": raw, "person": middle, "uuid": str(person.uuid), "email": email, "phone": phone,
    "last_name": person.last_name,
    "persons": persons.count(), "organisations": Party.objects.filter(kind="organisation").count(),
    "group": combination.group_id, "combination": combination.id,
    "segment": Segment.objects.order_by("id").values_list("id", flat=True).first(),
}))
"""


def requests_to_run(f: dict) -> list[dict]:
    """(label, method, path, headers, body) for every API."""
    peepl = {"Authorization": f"Token {f['key']}"}
    cirrus = {"X-Token": f["key"]}
    backoffice = {"api_key": f["key"]}
    incwo = {"Authorization": "Basic " + _b64("bench:bench-password-123")}
    json_type = {"Content-Type": "application/json"}
    deep_peepl = (f["persons"] // 2) // 10 * 10
    deep_cirrus = f["persons"] // 2 // 10
    deep_incwo = f["persons"] // 2 // 100
    token = f"token={f['key']}"
    show = urllib.parse.quote(json.dumps({"id": f["uuid"]}))
    p = "/peepl/v1/admin"
    r = [
        ("peepl contacts page 1", "GET", f"{p}/contacts/", peepl, None),
        (f"peepl contacts offset {deep_peepl:,}", "GET", f"{p}/contacts/?offset={deep_peepl}", peepl, None),
        ("peepl contact detail", "GET", f"{p}/contacts/{f['person']}/", peepl, None),
        (
            "peepl contacts/search by e-mail",
            "POST",
            f"{p}/contacts/search/",
            {**peepl, **json_type},
            json.dumps({"operator": "AND", "email": f["email"]}),
        ),
        ("peepl group members", "GET", f"{p}/groups/{f['group']}/contacts/", peepl, None),
        ("peepl combination members", "GET", f"{p}/combinations/{f['combination']}/contacts/", peepl, None),
        (
            "peepl create contact",
            "POST",
            f"{p}/contacts/",
            {**peepl, **json_type},
            json.dumps(
                {
                    "first_name": "Bench",
                    "last_name": "Mark",
                    "birth_date": "1990-05-15",
                    "birth_place": "Gent",
                    "preferred_language": "nl",
                    "gender": "M",
                    "email": "bench.{n}@example.com",
                }
            ),
        ),
        ("cirrus contacts page 1", "GET", "/cirrus/contacts", cirrus, None),
        (
            f"cirrus contacts page {deep_cirrus:,}",
            "GET",
            f"/cirrus/contacts?page={deep_cirrus}",
            cirrus,
            None,
        ),
        ("cirrus contacts by surname", "GET", "/cirrus/contacts?sorting=surname_asc", cirrus, None),
        ("cirrus contact detail", "GET", f"/cirrus/contacts/{f['person']}", cirrus, None),
        ("cirrus contacts email exact", "GET", f"/cirrus/contacts?email={f['email']}", cirrus, None),
        ("cirrus accounts page 1", "GET", "/cirrus/accounts", cirrus, None),
        ("cirrus accounts page 5,000", "GET", "/cirrus/accounts?page=5000", cirrus, None),
        ("back-office v2 activities page 1", "GET", "/backoffice/v2/activities", backoffice, None),
        (
            "crm.com r list by e-mail",
            "GET",
            f"/crmapi/rest/v2/contact_information/list?{token}&email_address={f['email']}",
            {},
            None,
        ),
        (
            "crm.com r show",
            "GET",
            f"/crmapi/rest/v2/contact_information/show?{token}&contact_information_identifier={show}",
            {},
            None,
        ),
        ("incwo contacts page 1", "GET", "/incwo/1/contacts.xml", incwo, None),
        (
            f"incwo contacts page {deep_incwo:,}",
            "GET",
            f"/incwo/1/contacts.xml?page={deep_incwo}",
            incwo,
            None,
        ),
        ("incwo contact detail", "GET", f"/incwo/1/contacts/{f['person']}.xml", incwo, None),
    ]
    return [dict(zip(("label", "method", "path", "headers", "body"), row, strict=True)) for row in r]


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


def probe(base: str, req: dict, times: int = 3) -> tuple[int | str, float, float]:
    """(status, SQL queries, SQL ms): medians over `times` requests."""
    statuses, queries, sql = [], [], []
    for _ in range(times):
        data = req["body"].replace("{n}", f"probe{time.time_ns()}").encode() if req["body"] else None
        request = urllib.request.Request(base + req["path"], data=data, method=req["method"])
        for name, value in req["headers"].items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                status, headers = response.status, response.headers
                response.read()
        except urllib.error.HTTPError as error:
            status, headers = error.code, error.headers
        except OSError:  # timed out: gunicorn's worker timeout (30 s) or ours
            return "timeout", float("nan"), float("nan")
        statuses.append(status)
        queries.append(float(headers.get("X-SQL-Queries", "nan")))
        sql.append(float(headers.get("X-SQL-Time", "nan")))
    return statuses[-1], statistics.median(queries), statistics.median(sql)


UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(base: str, req: dict, seconds: int, connections: int, threads: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(f"wrk.method = {json.dumps(req['method'])}\n")
        if req["body"] and "{n}" in req["body"]:  # a fresh value per request (unique e-mails)
            script.write(f"template = {json.dumps(req['body'])}\n")
            script.write(
                "counter = 0\n"
                "request = function()\n"
                "  counter = counter + 1\n"
                '  local n = tostring(counter) .. "x" .. tostring(math.random(1000000000))\n'
                '  return wrk.format(nil, nil, nil, (string.gsub(template, "{n}", n)))\n'
                "end\n"
            )
        elif req["body"]:
            script.write(f"wrk.body = {json.dumps(req['body'])}\n")
        for name, value in req["headers"].items():
            script.write(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}\n")
    try:
        out = subprocess.run(
            [
                "wrk",
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--latency",
                "--timeout",
                "30s",
                "-s",
                script.name,
                base + req["path"],
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(script.name)
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    latency = {}
    for pct in ("50", "99"):
        m = re.search(rf"\s{pct}%\s+([\d.]+)(us|ms|s)\b", out)
        latency[pct] = float(m.group(1)) * UNITS[m.group(2)] if m else float("nan")
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rate": rate,
        "p50": latency["50"],
        "p99": latency["99"],
        "non2xx": int(errors.group(1)) if errors else 0,
    }


def start_server(env, port: int, workers: int):
    gunicorn = str(Path(PYTHON).with_name("gunicorn"))
    process = subprocess.Popen(
        [
            gunicorn,
            "-c",
            "gunicorn.conf.py",
            "crm.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--access-logfile",
            "/dev/null",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            with urllib.request.urlopen(base + "/benchmark/bare", timeout=2):
                return process, base
        except OSError:  # not listening yet, or still booting
            time.sleep(0.5)
    process.kill()
    raise SystemExit("gunicorn did not start: " + process.stderr.read().decode()[-2000:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="postgres://postgres@127.0.0.1:5432/crm_bench")
    parser.add_argument("--redis", default="", help="REDIS_URL for the cache (default: local memory)")
    parser.add_argument("--parties", type=int, default=1_000_000)
    parser.add_argument("--port", type=int, default=8200)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--only", default="", help="run the requests whose label contains this")
    parser.add_argument("--skip", default="", help="skip the requests whose label contains this")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install -y wrk")

    env = {
        **os.environ,
        "DATABASE_URL": args.database,
        "DEBUG": "0",
        "BENCHMARK_VIEWS": "1",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "load-benchmark-" + "k" * 50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "0",
        "PEEPL_THROTTLE_RATE": "100000000/min",
        "CELERY_TASK_ALWAYS_EAGER": "1",
    }
    for name in ("CELERY_BROKER_URL", "REDIS_URL"):
        env.pop(name, None)
    if args.redis:
        env["REDIS_URL"] = args.redis
    ensure_database(env, args.database, args.parties)
    fixture = json.loads(manage(env, "shell", "-c", FIXTURE_SCRIPT).strip().splitlines()[-1])
    print(f"{fixture['persons']:,} persons, {fixture['organisations']:,} organisations")

    process, base = start_server(env, args.port, args.workers)
    bare = {
        "label": "bare Django view",
        "method": "GET",
        "path": "/benchmark/bare",
        "headers": {},
        "body": None,
    }
    rows = []
    try:
        for req in requests_to_run(fixture):
            if args.only and args.only not in req["label"]:
                continue
            if args.skip and args.skip in req["label"]:
                continue
            status, queries, sql_ms = probe(base, req)
            ceiling = wrk(base, bare, args.seconds, args.connections, args.threads)
            result = wrk(base, req, args.seconds, args.connections, args.threads)
            row = (
                req["label"],
                status,
                result["rate"],
                result["p50"],
                result["p99"],
                result["rate"] / ceiling["rate"],
                queries,
                sql_ms,
                result["non2xx"],
                ceiling["rate"],
            )
            rows.append(row)
            print(
                f"{row[0]:<40} {status} {row[2]:8.1f} req/s  p50 {row[3]:8.1f} ms  p99 {row[4]:8.1f} ms  "
                f"{row[5]:6.1%} of bare ({row[9]:.0f}/s)  SQL {queries:.0f} q {sql_ms:.1f} ms"
                + (f"  non-2xx {row[8]}" if row[8] else ""),
                flush=True,
            )
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    print()
    print(f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}, {os.cpu_count()} CPUs")
    print("| request | status | req/s | p50 ms | p99 ms | of bare view | SQL queries | SQL ms |")
    print("|---|---|---|---|---|---|---|---|")
    for label, status, rate, p50, p99, ratio, queries, sql_ms, _non2xx, _bare in rows:
        print(
            f"| {label} | {status} | {rate:.0f} | {p50:.1f} | {p99:.1f} | {ratio:.1%} "
            f"| {queries:.0f} | {sql_ms:.1f} |"
        )


if __name__ == "__main__":
    main()
