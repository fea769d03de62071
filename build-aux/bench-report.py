#!/usr/bin/env python3
"""Runs techo-bench's figures and writes docs/performance.md as one table.

Usage (from build-aux/dev bench [report], inside the headless session):
    bench-report.py BENCH_BINARY OUTPUT.md [--repeat N] [--quick] [--only NAME,…]

Every figure is measured beside its baseline in the same run on the same
machine (a bare window and Debian's gnome-text-editor as a peer, a bare
fetch + insert, …), three runs each by default, and the table gives the
median with the runs' range, the ratio to the baseline, the target the
project set and whether it held. A bench that fails says so in its rows;
the report is still written. --quick: small sizes and one short run, to
check that the report works (never commit its table).

To add a bench, add a Bench to BENCHES: its techo-bench arguments and a
function that turns the runs' figures into rows.
"""
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile


class Failed(Exception):
    pass


def run(bench, args, timeout):
    """One techo-bench invocation: its name=value lines as a dict."""
    try:
        proc = subprocess.run([bench] + args, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise Failed(f"timed out after {timeout} s")
    except OSError as e:
        raise Failed(str(e))
    if proc.returncode != 0:
        last = [l for l in proc.stderr.splitlines() if l.strip()]
        raise Failed(f"exit {proc.returncode}: {last[-1] if last else 'no message'}")
    figures = {}
    for line in proc.stdout.splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            try:
                figures[key] = float(value)
            except ValueError:
                figures[key] = value
    return figures


# ---- rows ----------------------------------------------------------------
#
# A row: (figure, values, baselines, ratios, target); values, baselines and
# ratios are lists of floats over the runs (baselines may be None), target
# a string such as "≤ 1.3" or "".


def runs_of(figures_list, key):
    """Per-run values of @key: a "KEY_runs" list (a bench that repeats
    inside one invocation) or one value per invocation."""
    values = []
    for f in figures_list:
        if f"{key}_runs" in f:
            values += [float(v) for v in str(f[f"{key}_runs"]).split(",") if v != ""]
        elif key in f:
            values.append(float(f[key]))
        else:
            raise Failed(f"no {key} in its output")
    return values


def startup_rows(label):
    def rows(figs):
        app = runs_of(figs, "startup_app_ms")
        bare = runs_of(figs, "startup_bare_ms")
        rss_app = [v / 1024 for v in runs_of(figs, "rss_settled_app_kb")]
        rss_bare = [v / 1024 for v in runs_of(figs, "rss_settled_bare_kb")]
        out = [
            (f"first frame of the overview, ms, {label} lines (baseline: bare window)",
             app, bare, [a / b for a, b in zip(app, bare)], "≤ 1.3"),
            (f"memory after every page and the history scrolled, then 15 s idle, MB, "
             f"{label} lines (baseline: bare window)",
             rss_app, rss_bare, [a / b for a, b in zip(rss_app, rss_bare)], "≤ 1.3"),
        ]
        switches = [k for k in figs[0] if k.startswith("app_switch_") and k.endswith("_ms")]
        if switches:
            worst = [max(f.get(k, 0.0) for k in switches) for f in figs]
            out.append((f"slowest first switch to a page, ms, {label} lines", worst, None,
                        None, "≤ 100"))
        if "app_scroll_max_frame_ms" in figs[0]:
            out.append((f"longest frame scrolling the medicine history, ms, {label} lines",
                        [f["app_scroll_max_frame_ms"] for f in figs], None, None, "≤ 16.7"))
        if all("startup_peer_ms" in f for f in figs):
            peer = runs_of(figs, "startup_peer_ms")
            rss_peer = [v / 1024 for v in runs_of(figs, "rss_settled_peer_kb")]
            out += [
                (f"peer gnome-text-editor: first window, ms, {label} run (baseline: bare window)",
                 peer, bare, [a / b for a, b in zip(peer, bare)], ""),
                (f"peer gnome-text-editor: memory after 15 s idle, MB, {label} run "
                 "(baseline: bare window)",
                 rss_peer, rss_bare, [a / b for a, b in zip(rss_peer, rss_bare)], ""),
            ]
        return out
    return rows


def sync_rows(label):
    def rows(figs):
        sync = runs_of(figs, "sync_seconds")
        bare = [f["fetch_seconds"] + f["insert_seconds"] for f in figs]
        return [(f"sync, s, {label} lines (baseline: bare fetch + insert of the same pages)",
                 sync, bare, runs_of(figs, "sync_ratio"), "≤ 1.2")]
    return rows


def chart_rows(figs):
    small = runs_of(figs, "chart_1k_us")
    large = runs_of(figs, "chart_100k_us")
    return [("trend chart with 100,000 points, µs (baseline: 1,000 points)",
             large, small, [a / b for a, b in zip(large, small)], "")]


def parse_rows(figs):
    stream = runs_of(figs, "parse_stream_seconds")
    tree = runs_of(figs, "parse_tree_seconds")
    return [("parsing the 52k sync's pages, s (baseline: json-glib's tree)",
             stream, tree, [a / b for a, b in zip(stream, tree)], "")]


SCALE_VIEWS = ("ingredients", "ingredient_page", "ingredient_next_page", "all_page",
               "all_next_page", "recent_read", "recent_dispensings", "window_read")


def scale_rows(figs):
    """techo-bench scale: each view's query at the largest size against ~5k
    lines, and the app's scroll of the medicine history on that store."""
    large = int(figs[0]["scale_lines_large"])
    label = f"{large / 1000:.0f}k"
    out = []
    for view in SCALE_VIEWS:
        key = f"scale_{view}_{large}_ms"
        if key not in figs[0]:
            continue
        out.append((f"query {view}, ms at {label} lines (baseline: the same at ~5k)",
                    [f[key] for f in figs],
                    [f[key] / f[f"scale_{view}_ratio"] for f in figs],
                    [f[f"scale_{view}_ratio"] for f in figs], "≤ 2"))
    out.append((f"history scroll of 2,000 rows at {label} lines: frames over 16.7 ms",
                [f["scroll_frame_over_16_7"] for f in figs], None, None, "≤ 0"))
    out.append((f"history scroll at {label} lines: p99 frame, ms",
                [f["scroll_frame_p99_ms"] for f in figs], None, None, "≤ 16.7"))
    return out


class Bench:
    def __init__(self, name, args, rows, repeat=True, timeout=3600, quick_args=None):
        self.name = name
        self.args = args
        self.rows = rows
        self.repeat = repeat          # False: one invocation repeats inside (--runs)
        self.timeout = timeout
        self.quick_args = quick_args


def benches(pages_dir):
    startup_extra = ["--runs", "3"]
    return [
        Bench("startup at 52k", ["startup", "--per-month", "110"] + startup_extra,
              startup_rows("52k"), repeat=False,
              quick_args=["startup", "--per-month", "110", "--runs", "1", "--settle", "3"]),
        Bench("startup at 525k", ["startup", "--per-month", "1100"] + startup_extra,
              startup_rows("525k"), repeat=False, quick_args=[]),
        Bench("sync at 52k", ["sync", "--per-month", "110", "--save-pages", pages_dir],
              sync_rows("52k")),
        Bench("sync at 525k", ["sync", "--per-month", "1100"], sync_rows("525k"),
              quick_args=[]),
        Bench("chart", ["chart"], chart_rows),
        Bench("parse", ["parse", "--pages", pages_dir], parse_rows),
        Bench("scale", ["scale"], scale_rows,
              quick_args=["scale", "--per-month", "11,110", "--runs", "3",
                          "--scroll-rows", "200"]),
    ]


# ---- the table -------------------------------------------------------------


def number(v):
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def spread(values):
    """The median, and the runs' range when there are several."""
    if values is None:
        return "—"
    med = number(statistics.median(values))
    if len(values) > 1:
        return f"{med} ({number(min(values))}–{number(max(values))})"
    return med


def held(target, value):
    if not target or value is None:
        return "—"
    op, limit = target.split()
    limit = float(limit)
    ok = value <= limit if op == "≤" else value >= limit
    return "yes" if ok else "**no**"


def main():
    argv = sys.argv[1:]
    quick = "--quick" in argv
    repeat = 1 if quick else 3
    if "--repeat" in argv:
        repeat = int(argv[argv.index("--repeat") + 1])
    only = None
    if "--only" in argv:
        only = argv[argv.index("--only") + 1].split(",")
    bench, output = argv[0], argv[1]
    pages_dir = tempfile.mkdtemp(prefix="techo-bench-pages-")

    rows = []        # (figure, value, baseline, ratio, target, held)
    notes = []
    load_before = os.getloadavg()
    started = datetime.datetime.now()
    startup_marks = {}
    try:
        for b in benches(pages_dir):
            if only is not None and not any(o in b.name for o in only):
                continue
            args = b.args
            if quick and b.quick_args is not None:
                if not b.quick_args:
                    continue
                args = b.quick_args
            figs = []
            try:
                for i in range(repeat if b.repeat else 1):
                    print(f"bench-report: {b.name}, run {i + 1}", file=sys.stderr, flush=True)
                    figs.append(run(bench, args, b.timeout))
                for figure, values, baselines, ratios, target in b.rows(figs):
                    ratio = statistics.median(ratios) if ratios else None
                    check = ratio if ratios else statistics.median(values)
                    rows.append((figure, spread(values), spread(baselines),
                                 spread(ratios) if ratios else "—", target or "—",
                                 held(target, check)))
                if b.name.startswith("startup"):
                    startup_marks[b.name] = {k: v for k, v in figs[0].items()
                                             if k.startswith("app_mark_")
                                             or k.startswith("app_first_frame_")}
            except Failed as e:
                rows.append((f"{b.name}: **failed** ({e})", "—", "—", "—", "—", "**no**"))
            except (KeyError, ValueError, ZeroDivisionError) as e:
                rows.append((f"{b.name}: **failed** (unexpected output: {e})",
                             "—", "—", "—", "—", "**no**"))
    finally:
        shutil.rmtree(pages_dir, ignore_errors=True)
    load_after = os.getloadavg()

    lines = [
        "# Performance",
        "",
        "Written by `build-aux/dev bench` (`build-aux/bench-report.py`); do not edit by",
        "hand. Every figure and its baseline come from the same run on the same machine,",
        "and the ratio compares them run by run. Values are the median of the runs, with",
        "their range in brackets; *held?* checks the median ratio (or the value, where",
        "there is no baseline) against the target.",
        "",
        f"- Measured: {started.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
        f"{platform.platform()}{' (--quick: not for committing)' if quick else ''}",
        f"- Load average: {load_before[0]:.1f} when it started, {load_after[0]:.1f} when it "
        "ended (a busy machine inflates every figure; the ratios less so)",
        "- Sizes: the sandbox's bulk citizen, 40 years × 110 or 1,100 dispensing lines a "
        "month (52,800 and 528,000 lines)",
        "- Startup: exec to the first frame of the overview with the records on it; the "
        "baseline is a bare AdwApplicationWindow with a header bar, and Debian's "
        "gnome-text-editor is measured beside both as a peer (exec to its window mapped)",
        "- Memory: resident memory once Techo has opened every page, scrolled the medicine "
        "history end to end and then idled 15 s (the bare window and the peer idle as long)",
        "",
        "| figure | value | baseline | ratio | target | held? |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append("| " + " | ".join(r) + " |")
    for name, marks in startup_marks.items():
        if not marks:
            continue
        lines += ["", f"Where the time before the first frame went ({name}, medians, "
                  "ms from the spawn; GTK's own layout and paint end at *layout* and *paint*):", ""]
        lines.append(", ".join(f"{k.replace('app_mark_', '').replace('_ms', '')} {v:.0f}"
                               for k, v in marks.items() if k.startswith("app_mark_")))
        if "app_first_frame_labels" in marks:
            lines.append(f"(the first frame lays out {marks['app_first_frame_labels']:.0f} labels, "
                         f"{marks.get('app_first_frame_chars', 0):.0f} characters)")
    lines.append("")
    with open(output, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
