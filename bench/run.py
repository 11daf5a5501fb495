"""``make bench``: seed, serve with gunicorn under the production settings, measure, print one table.

    .venv/bin/python -m bench                     # small, then large (the large load takes a while, once)
    .venv/bin/python -m bench --size small        # one size
    .venv/bin/python -m bench --report            # the table again from the last results

Per size: the bench database (bench/seed.py), each page's time in-process and its queries (bench/inprocess.py),
then gunicorn (2 sync workers) and two closed-loop clients (bench/load.py): every page for ``--seconds`` in each
of ``--rounds`` rounds, beside the bare signed-in page and the Django admin's changelists in the same round.
Results go to var/bench/<size>.json; the table (bench/report.py) to the terminal and var/bench/report.md.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.load import Browser, hammer
from bench.pages import BARE, bench_pages
from bench.report import report_write
from bench.seed import ROOT, Server, database_name, ensure_seeded, run_checked
from bench.sizes import SIZES

RESULTS = ROOT / "var" / "bench"
CLIENTS = WORKERS = 2
TURNS = 6


def production_env(server: Server, dbname: str) -> dict:
    """What production asks of its environment (README, Configuration), for a server on the loopback address
    without TLS: no redirect to https, no second sign-in step, e-mail kept in memory."""
    from clinic.database import APP_ROLE

    return {**server.env(dbname, settings="bench.settings"), "DATABASE_URL": server.url(APP_ROLE, dbname),
            "DJANGO_SECRET_KEY": "bench-only-" + "x" * 50, "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
            "SITE_URL": "http://127.0.0.1", "CLINIC_ONCALL_EMAIL": "oncall@bench.clinic",
            "DJANGO_SECURE_SSL_REDIRECT": "false", "CLINIC_REQUIRE_2FA": "false", "CLINIC_TRUSTED_PROXY_COUNT": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend", "LOG_LEVEL": "WARNING"}


class SizeTimer:
    """The process timing one size's pages in-process (bench/inprocess.py ``serve``), asked page by page."""

    def __init__(self, manifest: dict, env: dict):
        self.process = subprocess.Popen([sys.executable, "-m", "bench.inprocess", json.dumps(manifest)], cwd=ROOT,
                                        env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def measure(self, page: str, runs: int) -> dict:
        self.process.stdin.write(json.dumps({"page": page, "runs": runs}) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise SystemExit(f"bench.inprocess stopped while timing {page!r} (its error is above)")
        return json.loads(answer)

    def close(self) -> None:
        with contextlib.suppress(BrokenPipeError):  # it stopped already
            self.process.stdin.close()
        self.process.wait(timeout=60)


def in_process_by_turns(prepared: dict[str, tuple[dict, dict]], args) -> dict[str, dict]:
    """Each page's time in-process at every size, the sizes taking turns page by page (``TURNS`` batches of the
    runs each, the first size first in one turn and last in the next), so that a page's samples at the two sizes
    are taken within a second or two of each other and the machine's load at one moment does not fall on one size
    only: large ÷ small compares like with like. Returns per size ``{page: {"ms": median of every sample,
    "queries", "status"}}``."""
    timers = {name: SizeTimer(manifest, env) for name, (manifest, env) in prepared.items()}
    measured: dict[str, dict] = {name: {} for name in prepared}
    batch = max(1, args.runs // TURNS)
    pages = [page.name for page in bench_pages(next(iter(prepared.values()))[0])]
    try:
        for turn in range(TURNS):
            print(f"each page in-process, turn {turn + 1} of {TURNS} ({batch} runs a page a size)", flush=True)
            sizes = list(timers) if turn % 2 == 0 else list(reversed(timers))
            for page in pages:
                for name in sizes:
                    result = timers[name].measure(page, batch)
                    kept = measured[name].setdefault(page, {"samples": [], "sql": [], "template": [],
                                                            "queries": result["queries"], "status": result["status"]})
                    for series in ("samples", "sql", "template"):
                        kept[series] += result[series]
    finally:
        for timer in timers.values():
            timer.close()
    return {name: {page: {"ms": statistics.median(r["samples"]), "sql_ms": statistics.median(r["sql"]),
                          "template_ms": statistics.median(r["template"]), "queries": r["queries"],
                          "status": r["status"]}
                   for page, r in pages_measured.items()} for name, pages_measured in measured.items()}


def bench_size(size_name: str, manifest: dict, env: dict, in_process: dict, args) -> dict:
    print(f"{size_name}: gunicorn, {WORKERS} workers, {CLIENTS} clients, {args.rounds} rounds of "
          f"{args.seconds:g} s a page", flush=True)
    args.results.mkdir(parents=True, exist_ok=True)
    served, bare_beside = _served(env, manifest, args)
    pages = {}
    for page in bench_pages(manifest):
        rounds = served[page.name]
        latencies = sorted(lat for sample in rounds for lat in sample.latencies)
        pages[page.name] = {
            "admin": page.admin, "bare_target": page.bare_target, **in_process[page.name],
            "throughput": statistics.median(s.throughput for s in rounds),
            "p50": _percentile(latencies, 50) * 1000, "p95": _percentile(latencies, 95) * 1000,
            "errors": sum(s.errors for s in rounds),
            # Ratios within each round (the machine's load changes between rounds), then their median; ÷ bare
            # against the bare page measured just before and just after the page (_rounds).
            "to_bare": statistics.median(s.throughput / b for s, b in zip(rounds, bare_beside[page.name],
                                                                            strict=True)),
            "to_admin": statistics.median(s.throughput / a.throughput for s, a in zip(
                rounds, served[page.admin], strict=True)) if page.admin else None,
        }
    result = {"size": size_name, "manifest": manifest, "measured_at": time.strftime("%Y-%m-%d %H:%M"),
              "rounds": args.rounds, "seconds": args.seconds, "pages": pages}
    (args.results / f"{size_name}.json").write_text(json.dumps(result, indent=1))
    return result


def _served(env: dict, manifest: dict, args) -> tuple[dict[str, list], dict[str, list[float]]]:
    port = _free_port()
    log = open(args.results / "gunicorn.log", "w")  # noqa: SIM115 (open for the server's lifetime)
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "bench.wsgi:application", "--workers",
                               str(WORKERS), "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(port, server, args.results / "gunicorn.log")
        browsers = [Browser(port) for _ in range(CLIENTS)]
        for browser in browsers:
            browser.sign_in(manifest["user"]["email"], manifest["user"]["password"])
        pages = bench_pages(manifest)
        paths = {page.name: [browser.page_path(page) for browser in browsers] for page in pages}
        return _rounds(browsers, paths, args)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


BESIDE_SECONDS = 1.0  # the bare page between two pages: the yardstick of both


def _rounds(browsers: list, paths: dict[str, list[str]], args) -> tuple[dict[str, list], dict[str, list[float]]]:
    """Each page for ``args.seconds`` in each round, the bare page first (``paths`` in the bench's order), and the
    bare page again for a second after every other page: a page's yardstick is the bare page's throughput just
    before and just after it (their mean), so that a busy moment of a shared machine falls on both, not on a page
    measured a minute after the bare page. Returns each page's samples and, per round, its yardstick."""
    served: dict[str, list] = {name: [] for name in paths}
    beside: dict[str, list[float]] = {name: [] for name in paths}
    for number in range(args.rounds):
        before = None
        for name, path in paths.items():
            hammer(browsers, path, min(0.5, args.seconds))  # warm this page's caches
            sample = hammer(browsers, path, args.seconds)
            served[name].append(sample)
            if name == BARE:
                before = sample
                beside[name].append(sample.throughput)
                continue
            after = hammer(browsers, paths[BARE], min(BESIDE_SECONDS, args.seconds))
            beside[name].append((before.throughput + after.throughput) / 2)
            before = after
        print(f"  round {number + 1} of {args.rounds} done", flush=True)
    return served, beside


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_for(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped: see {log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer within a minute")


def _percentile(values: list[float], percent: int) -> float:
    if not values:
        return 0.0
    return values[min(len(values) - 1, int(len(values) * percent / 100))]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--size", action="append", choices=sorted(SIZES), help="small and large by default")
    parser.add_argument("--seconds", type=float, default=3.0, help="per page per round (default 3)")
    parser.add_argument("--rounds", type=int, default=3, help="median of this many rounds (default 3)")
    parser.add_argument("--runs", type=int, default=30, help="in-process runs per page (default 30)")
    parser.add_argument("--reseed", action="store_true", help="load the bench database again")
    parser.add_argument("--report", action="store_true", help="print the table of the last results only")
    parser.add_argument("--results", type=Path, default=RESULTS, help=f"where results go (default {RESULTS})")
    args = parser.parse_args(argv)
    sizes = args.size or ["small", "large"]
    if not args.report:
        os.chdir(ROOT)
        server = Server()
        prepared = {}
        for size_name in sizes:
            size = SIZES[size_name]
            manifest = ensure_seeded(server, size, reseed=args.reseed)
            env = production_env(server, database_name(size))
            prepared[size_name] = (manifest, env)
        run_checked([sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], env)
        in_process = in_process_by_turns(prepared, args)
        for size_name, (manifest, env) in prepared.items():
            bench_size(size_name, manifest, env, in_process[size_name], args)
    print(report_write(args.results, sizes))


if __name__ == "__main__":
    main()
