"""Timing the reports against an earlier commit's code, in one run (``reports.py --against COMMIT``).

The earlier code runs from a git worktree, each side in a worker process of its own
(``reports.py --worker serve --root …``) against its own database; the two take turns
report by report so that the load of the machine hits both alike. See reports.py.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

# The benchmark script (run as __main__): it cannot be imported as "reports", the app's name.
import __main__ as bench

SCRIPT = Path(__file__).resolve().parent / "reports.py"


# --- Workers: run with the code of a given root (an earlier commit's worktree, or this one) --


def _worker_setup(root: Path) -> None:
    """Put ``root`` (and its bench/) first on the path, instead of this file's folder, and set up Django."""
    sys.path[:] = [str(root), str(root / "bench")] + [
        p for p in sys.path[1:] if Path(p).resolve() != bench.ROOT / "bench"
    ]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from reports import selectors

    if not Path(selectors.__file__).resolve().is_relative_to(root):
        raise SystemExit(f"worker for {root} imported {selectors.__file__}")


def worker_load(root: Path, memberships: int, seed: int) -> None:
    """Migrate and load the province with the loader of ``root``'s own bench/reports.py."""
    import importlib.util

    from django.core.management import call_command
    from django.db import connection

    _worker_setup(root)
    spec = importlib.util.spec_from_file_location("bench_reports_under_test", root / "bench" / "reports.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    call_command("migrate", verbosity=0)
    print(f"  {connection.settings_dict['NAME']}: ", end="", flush=True)
    if bench._area_model().objects.filter(code="BENCH").exists():
        print("province BENCH already loaded", flush=True)
    else:
        module.load(memberships, seed)


def worker_serve(root: Path) -> None:
    """Answer one JSON request a line on stdin: time a report, the floor, checks."""
    protocol = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # whatever else the code prints goes to stderr, not into the answers
    sys.stdout = sys.stderr
    _worker_setup(root)
    runners, areas = bench.report_runners(), bench.bench_areas()
    for line in sys.stdin:
        request = json.loads(line)
        op = request["op"]
        if op == "run":
            elapsed, queries, report = bench.timed(runners[request["report"]], areas[request["level"]])
            answer = {"seconds": elapsed, "queries": queries}
            if request.get("total"):
                answer["total"] = bench._flat(report.total)
        elif op == "floor":
            answer = {"seconds": bench.floor_seconds()}
        elif op == "fingerprint":
            answer = bench.fingerprint()
        elif op == "check":
            answer = bench.check_figures()
        else:
            break
        protocol.write(json.dumps(answer) + "\n")
        protocol.flush()


class Worker:
    def __init__(self, label: str, root: Path, env: dict) -> None:
        self.label = label
        self.process = subprocess.Popen(
            [sys.executable, str(SCRIPT), "--worker", "serve", "--root", str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
        )

    def ask(self, **request):
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"the {self.label} worker stopped (see its error above)")
        return json.loads(line)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=60)


# --- Comparison with an earlier commit -------------------------------------------------------


def _git(*args: str, cwd: Path = bench.ROOT) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def prepare_worktree(commit: str) -> tuple[str, Path]:
    sha = _git("rev-parse", "--verify", f"{commit}^{{commit}}")
    path = Path("/tmp") / f"bench-worktree-{sha[:12]}"
    if path.exists():
        changed = _git("status", "--porcelain", "--untracked-files=no", cwd=path)
        if _git("rev-parse", "HEAD", cwd=path) != sha or changed:
            raise SystemExit(f"{path} exists but is not a clean checkout of {sha}: remove it")
        print(f"worktree {path} (reused) at {sha[:12]}")
    else:
        _git("worktree", "add", "--detach", str(path), sha)
        print(f"worktree {path} (created) at {sha[:12]}")
    return sha, path


def _database_url(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def ensure_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(server, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"  created database {name}")


def analyze(url: str, target: int) -> None:
    """Fresh planner statistics from a larger sample: with the default (100) the two databases'
    random samples can differ enough for the same query to get different plans."""
    import psycopg

    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f"SET default_statistics_target = {int(target)}")
        connection.execute("ANALYZE")
    name = urlsplit(url).path.lstrip("/")
    print(f"  {name}: ANALYZE with statistics target {target} in {time.perf_counter() - started:.1f} s")


def compare(args) -> int:
    import environ

    url_now = os.environ.get("DATABASE_URL", "")
    if not url_now.startswith(("postgres://", "postgresql://")):
        raise SystemExit("--against needs DATABASE_URL=postgres://… (both databases go on that server)")
    name_now = urlsplit(url_now).path.lstrip("/")
    url_before = _database_url(url_now, args.before_database or f"{name_now}_before")
    sha, worktree = prepare_worktree(args.against)
    head = _git("rev-parse", "HEAD")
    if _git("diff", "--name-only", sha, "--", "requirements.txt"):
        print("warning: requirements.txt differs from the commit's; both run in this environment")
    # Both codes read the same settings: this checkout's .env (the worktree has none).
    environ.Env.read_env(bench.ROOT / ".env")
    sides = {
        "before": {"root": worktree, "url": url_before, "code": f"{sha[:12]} ({args.against})"},
        "now": {"root": bench.ROOT, "url": url_now, "code": f"{head[:12]} + working tree"},
    }
    print("loading (each with its own code's bench/reports.py loader):")
    for side in sides.values():
        ensure_database(side["url"])
        side["env"] = {**os.environ, "DATABASE_URL": side["url"], "DJANGO_SETTINGS_MODULE": "config.settings"}
        command = [sys.executable, str(SCRIPT), "--worker", "load", "--root", str(side["root"])]
        command += ["--memberships", str(args.memberships), "--seed", str(args.seed)]
        subprocess.run(command, env=side["env"], check=True)
    if args.statistics_target:
        for side in sides.values():
            analyze(side["url"], args.statistics_target)

    workers = {label: Worker(label, side["root"], side["env"]) for label, side in sides.items()}
    try:
        return _compare_with(workers, sides, args.repeat)
    finally:
        for worker in workers.values():
            worker.close()


def _compare_with(workers: dict, sides: dict, repeat: int) -> int:
    print()
    for label, side in sides.items():
        print(f"{label:<7} code {side['code']}, database {urlsplit(side['url']).path.lstrip('/')}")
    prints = {label: worker.ask(op="fingerprint") for label, worker in workers.items()}
    if prints["before"] != prints["now"]:
        print("the two databases do not hold the same data:")
        for key in prints["now"]:
            print(f"  {key:<32}{prints['before'].get(key)!s:>40}{prints['now'][key]!s:>40}")
        return 1
    periods = prints["now"]["periods, days, shared"][0]
    memberships = prints["now"]["memberships, ended, joined days"][0]
    print(f"same data in both: {bench._n(memberships)} memberships, {bench._n(periods)} membership periods")
    ok = all(bench.print_check(f"{label:<7} ", worker.ask(op="check")) for label, worker in workers.items())

    cells = [(report, level) for report in bench.REPORTS for level, _ in bench.LEVELS]
    times = {(label, cell): [] for label in workers for cell in cells}
    queries, totals, floors = {}, {}, {label: [] for label in workers}
    labels = list(workers)
    print(f"timing: {repeat} rounds, before and now taking turns", flush=True)
    for round_ in range(repeat):
        for i, cell in enumerate(cells):
            order = labels if (round_ + i) % 2 == 0 else labels[::-1]
            for label in order:
                answer = workers[label].ask(op="run", report=cell[0], level=cell[1], total=round_ == 0)
                times[label, cell].append(answer["seconds"])
                queries[label, cell] = answer["queries"]
                if "total" in answer:
                    totals[label, cell] = answer["total"]
        for label in labels if round_ % 2 == 0 else labels[::-1]:
            floors[label].append(workers[label].ask(op="floor")["seconds"])

    print()
    print(
        f"{'report':<18}{'level':<10}{'best before':>12}{'best now':>10}{'now/before':>12}"
        f"{'median before':>15}{'median now':>12}{'queries before/now':>20}"
    )
    for cell in cells:
        before, now = times["before", cell], times["now", cell]
        flag = "  <-- slower" if min(now) / min(before) > 1.10 else ""
        print(
            f"{cell[0]:<18}{cell[1]:<10}{bench._ms(min(before)):>12}{bench._ms(min(now)):>10}"
            f"{min(now) / min(before):>12.2f}"
            f"{bench._ms(statistics.median(before)):>15}{bench._ms(statistics.median(now)):>12}"
            f"{queries['before', cell]:>14}/{queries['now', cell]:<5}{flag}"
        )
    all_before = sum(min(times["before", cell]) for cell in cells)
    all_now = sum(min(times["now", cell]) for cell in cells)
    print(f"{'all 15, summed':<28}{bench._ms(all_before):>12}{bench._ms(all_now):>10}{all_now / all_before:>12.2f}")
    print()
    for label, side in sides.items():
        print(
            f"floor, {label:<7}SELECT count(*) FROM members_membershipperiod on "
            f"{urlsplit(side['url']).path.lstrip('/')}: best {bench._ms(min(floors[label]))}, "
            f"median {bench._ms(statistics.median(floors[label]))}"
        )

    differences = []
    for cell in cells:
        before, now = totals["before", cell], totals["now", cell]
        common = sorted(before.keys() & now.keys())
        differences += [(cell, key, before[key], now[key]) for key in common if before[key] != now[key]]
    print()
    if differences:
        ok = False
        print(f"report totals that differ between before and now ({len(differences)}):")
        for cell, key, before, now in differences[:30]:
            print(f"  {cell[0]} {cell[1]} {key}: {before} → {now}")
    else:
        compared = sum(len(totals["before", cell].keys() & totals["now", cell].keys()) for cell in cells)
        print(f"report totals: the {compared} figures both codes give are equal in all 15 reports")
    return 0 if ok else 1
