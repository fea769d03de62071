#!/usr/bin/env python3
"""Runs techo-bench's user-felt figures and writes docs/performance.md.

Usage (from build-aux/dev bench report, inside the headless session):
    bench-report.py BENCH_BINARY OUTPUT.md [--repeat N] [--quick]

Each figure is measured N times (3 by default) in this one run, beside its
baselines (a bare window, a bare fetch + insert, gnome-text-editor), and
the table shows every run and the median, with the target the project set.
--quick: small sizes and one short run, to check that the report works.
"""
import datetime
import os
import platform
import statistics
import subprocess
import sys


def run(bench, args):
    out = subprocess.run([bench] + args, check=True, capture_output=True, text=True,
                         timeout=3600).stdout
    figures = {}
    for line in out.splitlines():
        if "=" in line:
            key, value = line.split("=", 1)
            try:
                figures[key] = float(value)
            except ValueError:
                figures[key] = value
    return figures


def main():
    argv = sys.argv[1:]
    quick = "--quick" in argv
    repeat = 1 if quick else 3
    if "--repeat" in argv:
        repeat = int(argv[argv.index("--repeat") + 1])
    bench, output = argv[0], argv[1]
    sizes = [("52k", 110)] if quick else [("52k", 110), ("525k", 1100)]
    startup_extra = ["--runs", "1", "--settle", "3"] if quick else ["--runs", "3"]

    rows = []  # (figure, target, [values])
    load_before = os.getloadavg()
    for label, per_month in sizes:
        syncs = [run(bench, ["sync", "--per-month", str(per_month)]) for _ in range(repeat)]
        rows.append((f"sync_ratio at {label} lines (sync ÷ bare fetch + insert)", "≤ 1.2",
                     [s["sync_ratio"] for s in syncs]))
        rows.append((f"sync seconds at {label} lines", "",
                     [s["sync_seconds"] for s in syncs]))
        starts = [run(bench, ["startup", "--per-month", str(per_month)] + startup_extra)
                  for _ in range(repeat)]
        rows.append((f"first frame ÷ bare window, {label} lines", "≤ 1.3",
                     [s["startup_ratio"] for s in starts]))
        rows.append((f"first frame ms, {label} lines (bare window)", "",
                     [f'{s["startup_app_ms"]:.0f} ({s["startup_bare_ms"]:.0f})' for s in starts]))
        rows.append((f"memory after settling ÷ bare window, {label} lines", "≤ 1.3",
                     [s["rss_settled_ratio"] for s in starts]))
        rows.append((f"memory after settling MB, {label} lines (bare window)", "",
                     [f'{s["rss_settled_app_kb"] / 1024:.0f} ({s["rss_settled_bare_kb"] / 1024:.0f})'
                      for s in starts]))
        if all("startup_peer_ms" in s for s in starts):
            rows.append(("peer gnome-text-editor: window ms, memory MB after settling", "",
                         [f'{s["startup_peer_ms"]:.0f}, {s["rss_settled_peer_kb"] / 1024:.0f}'
                          for s in starts]))

    # techo-bench scale: each view's query at ~5k and the largest size, and
    # the app's scroll of the medicine history on the largest store.
    scale_args = (["scale", "--per-month", "11,110", "--runs", "3", "--scroll-rows", "200"]
                  if quick else ["scale"])
    scales = [run(bench, scale_args) for _ in range(repeat)]
    large = f'{scales[0]["scale_lines_large"] / 1000:.0f}k'
    for view in ("ingredients", "ingredient_page", "ingredient_next_page", "all_page",
                 "all_next_page", "recent_read"):
        rows.append((f"query {view}: {large} ÷ 5k lines (ms at {large})", "≤ 2",
                     [f'{s["scale_" + view + "_ratio"]:.2f} '
                      f'({s["scale_%s_%d_ms" % (view, s["scale_lines_large"])]:.1f})'
                      for s in scales]))
    rows.append((f"history scroll, {large} lines: frames over 16.7 ms (max, p99 ms)", "0",
                 [f'{s["scroll_frame_over_16_7"]:.0f} ({s["scroll_frame_max_ms"]:.1f}, '
                  f'{s["scroll_frame_p99_ms"]:.1f})' for s in scales]))
    rows.append((f"memory after every page and the scroll MB, {large} lines", "",
                 [f'{s["rss_after_scroll_kb"] / 1024:.0f}' for s in scales]))

    def cell(v):
        return f"{v:.2f}" if isinstance(v, float) else str(v)

    def med(values):
        nums = [v for v in values if isinstance(v, float)]
        return f"{statistics.median(nums):.2f}" if len(nums) == len(values) else ""

    lines = [
        "# Performance",
        "",
        "Written by `build-aux/dev bench report` (`build-aux/bench-report.py`); do not edit",
        "by hand. Every figure and its baseline come from the same run on the same machine;",
        "ratios compare Techo with the baseline measured beside it. Startup and memory are",
        "medians of the bench's own runs; each row below is repeated as the columns show.",
        "",
        f"- Measured: {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}, "
        f"{os.cpu_count()} cores, {platform.platform()}",
        f"- Load average when it started: {load_before[0]:.1f} (a busy machine inflates "
        "every figure; the ratios less so)",
        "- Sizes: the sandbox's bulk citizen, 40 years × 110 or 1,100 dispensing lines a "
        "month (52,800 and 528,000 lines)",
        "- Memory after settling: resident memory 15 s after the first frame, once every "
        "deferred load is done",
        "",
        "| figure | target | " + " | ".join(f"run {i + 1}" for i in range(repeat)) + " | median |",
        "|---|---|" + "---|" * repeat + "---|",
    ]
    for name, target, values in rows:
        lines.append(f"| {name} | {target} | " + " | ".join(cell(v) for v in values)
                     + f" | {med(values)} |")
    lines.append("")
    with open(output, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
