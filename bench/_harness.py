"""What the benchmark scripts share: the command line, thread limits, one process per
framework, timing, the machine header, the check on other processes' CPU use, and
plain-text / Markdown tables.

Each script runs itself again as a worker per framework (``--worker KEY --out DIR``); the
worker (:func:`run_worker`) writes ``DIR/KEY.json`` (version, status, and per benchmark
either best/median times or an error) and whatever results the parent (:class:`Parent`)
compares.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import time
import timeit

# ----------------------------------------------------------------------------- threads


def limit_threads(n: int) -> None:
    """Limit every framework to ``n`` threads; must run before numpy or a peer is imported."""
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
                "NUMEXPR_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
        os.environ[var] = str(n)
    os.environ.setdefault("JAX_PLATFORMS", "cpu")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # XLA's CPU pool has no thread-count flag; pin the process to n cores instead, and
    # with one thread also turn off Eigen's multi-threading.
    if n == 1:
        flags = os.environ.get("XLA_FLAGS", "")
        os.environ["XLA_FLAGS"] = (flags + " --xla_cpu_multi_thread_eigen=false").strip()
    if hasattr(os, "sched_setaffinity"):
        cpus = sorted(os.sched_getaffinity(0))
        if len(cpus) > n:
            os.sched_setaffinity(0, cpus[:n])


def available_cores() -> int:
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


# ----------------------------------------------------------------------------- timing


def timing(quick: bool) -> tuple[float, int]:
    """(seconds per loop, loops): the timing settings, shorter with ``--quick``."""
    return (0.05, 3) if quick else (0.2, 7)


def measure(fn, target: float, repeats: int):
    """timeit-style: warm up, calibrate a loop to ~target seconds, repeat; s per call."""
    t0 = time.perf_counter()
    while True:  # warm-up: at least 3 calls and 0.05 s (first calls compile / fill caches)
        for _ in range(3):
            fn()
        if time.perf_counter() - t0 > 0.05:
            break
    timer = timeit.Timer(fn)
    number = 1
    while True:
        t = timer.timeit(number)
        if t >= target:
            break
        number = max(number * 2, int(number * target / max(t, 1e-9) * 1.1))
    times = [t / number]
    for _ in range(repeats - 1):
        gc.collect()
        times.append(timer.timeit(number) / number)
    return min(times), statistics.median(times)


# ----------------------------------------------------------------------------- processes


def one_line(msg: str, width: int = 90) -> str:
    line = (msg.splitlines() or [""])[0]
    return line if len(line) <= width else line[: width - 1] + "…"


def dist_version(dist: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return "?"


def spawn_worker(script: str, key: str, threads: int, quick: bool, out: str, timeout: float,
                 benches, extra_args=()) -> dict:
    """Run one framework in a fresh interpreter (``script --worker key``), so that no
    framework's imports, thread pools or allocator state (glibc's heap grows and shrinks
    with NumPy's big temporaries) changes another's times. Returns its report; a benchmark
    it did not finish is marked with what stopped it."""
    cmd = [sys.executable, os.path.abspath(script), "--worker", key, "--out", out,
           "--threads", str(threads)] + (["--quick"] if quick else []) + list(extra_args)
    problem = ""
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if proc.returncode < 0:
            import signal

            problem = f"crashed: killed by {signal.Signals(-proc.returncode).name}"
        elif proc.returncode != 0:
            tail = (proc.stderr.strip().splitlines() or [f"exit code {proc.returncode}"])[-1]
            problem = one_line(f"crashed: {tail}")
    except subprocess.TimeoutExpired:
        problem = f"timed out after {timeout:g} s"
    try:
        with open(os.path.join(out, f"{key}.json")) as f:
            report = json.load(f)
    except (OSError, ValueError):
        report = {"version": "", "status": problem or "no result", "bench": {}}
    if problem:  # whatever did not finish is marked with what stopped it
        if not report["status"]:
            for bench in benches:
                report["bench"].setdefault(bench, {"error": problem})
    return report


def save_report(out: str, key: str, report: dict) -> None:
    with open(os.path.join(out, f"{key}.json"), "w") as f:
        json.dump(report, f)


def run_worker(out: str, key: str, quick: bool, load, version: str = "") -> None:
    """Measure one framework (in its own process) and leave its report in ``out``.

    ``load()`` imports the framework and returns ``(version, benchmarks)``: an iterable of
    ``(bench, run)``, where ``run()`` computes the benchmark once (leaving in ``out`` what
    the parent compares) and returns ``(fn, extra)``, ``fn`` what is timed and ``extra`` a
    dict reported beside the times. A generator's setup runs after the version is saved.
    ``version``, where known before loading, is reported even if loading fails.
    """
    target, repeats = timing(quick)
    report = {"version": version, "status": "", "bench": {}}
    try:
        report["version"], benchmarks = load()
    except ModuleNotFoundError as e:
        report["status"] = f"not installed ({e.name})"
        return save_report(out, key, report)
    except Exception as e:  # noqa: BLE001 - a broken peer must not stop the run
        report["status"] = one_line(f"unavailable: {type(e).__name__}: {e}")
        return save_report(out, key, report)
    save_report(out, key, report)
    for bench, run in benchmarks:
        try:
            fn, extra = run()
            best, median = measure(fn, target, repeats)
            report["bench"][bench] = {"best": best, "median": median, **extra}
        except Exception as e:  # noqa: BLE001 - report and go on
            report["bench"][bench] = {"error": one_line(f"failed: {type(e).__name__}: {e}")}
        save_report(out, key, report)


def best_time(reports: dict, bench: str, key: str = "nabla") -> float | None:
    """The best time of ``key``'s worker for ``bench``, None if it has none."""
    return reports.get(key, {}).get("bench", {}).get(bench, {}).get("best")


# ----------------------------------------------------------------------------- command line


def parse_args(doc: str, frameworks, argv=None, add_arguments=None):
    """The command line of every script: ``--quick``, ``--threads``, ``--only``, what
    ``add_arguments(parser)`` adds, and a worker's hidden ``--worker``/``--out``. Limits
    the threads before numpy and the peers are imported."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer, shorter repeats")
    ap.add_argument("--threads", type=int, default=available_cores(),
                    help="threads for every framework (default: cores available)")
    ap.add_argument("--only", nargs="+", choices=list(frameworks), default=list(frameworks),
                    help="frameworks to run (default: all)")
    if add_arguments is not None:
        add_arguments(ap)
    ap.add_argument("--worker", choices=list(frameworks), help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    limit_threads(args.threads)
    return args


# ----------------------------------------------------------------------------- machine


def header(threads: int) -> list[str]:
    import numpy

    model = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    lines = [
        ("date", datetime.datetime.now().isoformat(timespec="seconds")),
        ("machine", f"{model} ({platform.machine()}), {os.cpu_count()} cores, "
                    f"{threads} thread(s) for every framework"),
        ("python", f"{platform.python_version()} ({platform.python_implementation()})"),
        ("numpy", f"{numpy.__version__}; BLAS {blas_info()}"),
    ]
    return [f"{k:<14} {v}" for k, v in lines]


def blas_info() -> str:
    try:
        import threadpoolctl
    except ModuleNotFoundError:
        return "? (threadpoolctl not installed)"
    infos = [d for d in threadpoolctl.threadpool_info()
             if d.get("user_api") == "blas" and "numpy" in d.get("filepath", "")]
    if not infos:
        return "?"
    d = infos[0]
    s = (f"{d.get('internal_api')} {d.get('version')}, kernel {d.get('architecture', '?')}, "
         f"{d.get('num_threads')} thread(s)")
    forced = [f"{v}={os.environ[v]}" for v in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
              if v in os.environ]
    if forced:
        s += f" (forced by {' '.join(forced)})"
    return s


def markdown_preamble(head: list[str], versions: str) -> str:
    """The one-line description of the run that goes above a Markdown table."""
    import numpy

    return (f"{head[0].split(maxsplit=1)[1]}; {head[1].split(maxsplit=1)[1]}; "
            f"Python {platform.python_version()}, NumPy {numpy.__version__} "
            f"({blas_info()}); {versions}.")


class OtherLoad:
    """How busy the CPUs were with *other* processes while the benchmark ran.

    Busy time of all CPUs (``/proc/stat``) minus this process's and its workers' CPU time,
    as a fraction of the available CPU time. Another process competing for the cores
    (a test run, a build) can make multi-threaded BLAS many times slower."""

    def __init__(self):
        self.start = self._sample()

    @staticmethod
    def _sample():
        import resource

        try:
            with open("/proc/stat") as f:
                fields = [int(v) for v in f.readline().split()[1:]]
        except (OSError, ValueError):
            return None
        busy = (sum(fields) - fields[3] - (fields[4] if len(fields) > 4 else 0))
        busy /= os.sysconf("SC_CLK_TCK")
        own = sum(resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
                  for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
        return time.monotonic(), busy, own

    def fraction(self) -> float | None:
        end = self._sample()
        if self.start is None or end is None:
            return None
        wall = end[0] - self.start[0]
        other = (end[1] - self.start[1]) - (end[2] - self.start[2])
        return max(0.0, other / (wall * (os.cpu_count() or 1))) if wall > 0 else None

    def report(self) -> None:
        """Print the fraction (and a warning when it spoils the times), then a blank line."""
        load = self.fraction()
        if load is not None:
            print(f"other processes used {load:.0%} of the CPUs during the run"
                  + ("; the times are unreliable: rerun on an idle machine"
                     if load > 0.1 else ""))
            print()


# ----------------------------------------------------------------------------- tables


def fmt_us(s: float) -> str:
    us = s * 1e6
    return f"{us:,.0f}" if us >= 100 else f"{us:.2f}" if us < 10 else f"{us:.1f}"


def us_cells(*seconds) -> tuple[str, ...]:
    """Times in µs for a table, "—" for a time missing (None)."""
    return tuple(fmt_us(s) if s is not None else "—" for s in seconds)


def ratio_cell(ratio: float | None) -> str:
    return f"{ratio:.2f}×" if ratio is not None else ""


def print_table(columns, cells, right) -> None:
    """Plain-text table: ``cells`` are rows of strings; columns in ``right`` right-aligned."""
    cells = [tuple(columns)] + [tuple(c) for c in cells]
    widths = [max(len(c[i]) for c in cells) for i in range(len(columns))]
    for k, c in enumerate(cells):
        print("  ".join(s.rjust(w) if i in right else s.ljust(w)
                        for i, (s, w) in enumerate(zip(c, widths, strict=True))).rstrip())
        if k == 0:
            print("  ".join("-" * w for w in widths))


def print_markdown_table(columns, cells, right) -> None:
    print("| " + " | ".join(columns) + " |")
    print("|" + "|".join("---:" if i in right else "---" for i in range(len(columns))) + "|")
    for c in cells:
        print("| " + " | ".join(c) + " |")



# ----------------------------------------------------------------------------- parent


class Parent:
    """The parent process of a script: prints the machine header and how the run is timed
    (``loops`` formatted with the target seconds per loop), runs the workers in a scratch
    folder while watching the other processes' load, and prints the results."""

    def __init__(self, script: str, args, frameworks, loops: str = "loops of ~{target:g} s"):
        self.script, self.args, self.frameworks = script, args, frameworks
        self.other_load = None
        if hasattr(sys.stdout, "reconfigure"):
            sys.stdout.reconfigure(errors="backslashreplace")
        target, repeats = timing(args.quick)
        self.head = header(args.threads)
        print("\n".join(self.head))
        print(f"{'timing':<14} each framework in its own process; best and median of {repeats} "
              f"{loops.format(target=target)}; ratio = peer / nabla (>1: nabla faster)",
              flush=True)

    def scratch(self):
        """The temporary folder the workers leave their results in (a context manager);
        the other processes' load is measured from now."""
        import tempfile

        self.other_load = OtherLoad()
        return tempfile.TemporaryDirectory(prefix="nabla-bench-")

    def run_workers(self, out: str, timeout: float, benches, extra_args=()) -> dict:
        """Run each framework of ``--only`` in its own process (:func:`spawn_worker`) and
        print its version, or what stopped it, under its name (``frameworks[key][0]``; the
        floor, ``numpy``, is not shown), then a blank line. ``benches(key)``: the
        benchmarks of key's worker. Returns the reports, by key."""
        args = self.args
        reports = {}
        for key in args.only:
            reports[key] = r = spawn_worker(self.script, key, args.threads, args.quick, out,
                                            timeout=timeout, benches=benches(key),
                                            extra_args=extra_args)
            if key != "numpy":
                print(f"{self.frameworks[key][0]:<14} {r['version'] or r['status']}",
                      flush=True)
        print()
        return reports

    def print_results(self, columns, cells, right, *, reports, dists, notes,
                      targets=None) -> None:
        """The table; the other processes' load; ``targets()``, which prints the targets;
        then the same for bench/RESULTS.md: the run (with the versions of the frameworks
        in ``reports``, named ``dists[key]``; the floor, ``numpy``, aside), ``notes``
        (lines describing the benchmarks) and the table in Markdown."""
        print_table(columns, cells, right)
        print()
        self.other_load.report()
        if targets is not None:
            targets()
            print()
        print("Markdown (for bench/RESULTS.md):")
        print()
        versions = ", ".join(f"{dists[k]} {r['version']}"
                             for k, r in reports.items() if r["version"] and k != "numpy")
        print(markdown_preamble(self.head, versions))
        print()
        for line in notes:
            print(line)
        print()
        print_markdown_table(columns, cells, right)
