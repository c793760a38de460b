"""How large HTML reports behave: render time, file size, and time to open, sort and search in Chromium.

    python benchmarks/report_scale.py [--segments 100000]

Uses a results document of real TED sentences with made-up scores (tests/helpers.py), so it measures the
page, not the scoring. Needs Debian's chromium and the playwright package (both installed by .ci/run).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from mtqe.report.html import render_html
from tests.helpers import synthetic_results

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--segments", type=int, default=100_000)
    args = parser.parse_args()

    results = synthetic_results(args.segments)
    start = time.perf_counter()
    page = render_html(results)
    rendered = time.perf_counter() - start
    path = Path(tempfile.mkdtemp()) / "report.html"
    path.write_text(page, encoding="utf-8")
    print(f"{args.segments} segments: rendered in {rendered:.1f} s, {path.stat().st_size / 1e6:.1f} MB")

    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        start = time.perf_counter()
        tab.goto(path.as_uri(), timeout=120_000)
        tab.wait_for_function("document.querySelector('.status').textContent.startsWith('Showing')")
        print(f"  opened, first page drawn: {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        tab.locator("#system-0 button.sort[data-key='1']").click()
        tab.wait_for_function("document.querySelector('button.sort[data-key=\"1\"]').dataset.dir === 'asc'")
        print(f"  sorted by chrF: {time.perf_counter() - start:.2f} s")
        start = time.perf_counter()
        tab.locator("#system-0 .search").fill("brain")
        print(f"  searched: {time.perf_counter() - start:.2f} s ({tab.locator('#system-0 .status').text_content()})")
        start = time.perf_counter()
        tab.mouse.wheel(0, 20_000)
        tab.locator("#system-0 .next").click()
        print(f"  next page: {time.perf_counter() - start:.2f} s")
        browser.close()


if __name__ == "__main__":
    main()
