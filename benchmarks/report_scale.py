"""How large HTML reports behave: render time, file size, and time to open, sort, filter and search in Chromium.

    python benchmarks/report_scale.py [--segments 100000]

Uses a results document of real TED sentences with made-up scores (tests/helpers.py), so it measures the
page, not the scoring. Each interaction is timed inside the page, from the event to the table laid out again;
search from the last keystroke, the page's pause for typing included. Needs Debian's chromium and the
playwright package (both installed by .ci/run).
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
        ready = time.perf_counter() - start
        painted = tab.evaluate("performance.getEntriesByType('paint').map(e => e.startTime).pop() || 0") / 1000
        print(
            f"  opened: first content painted at {painted:.2f} s; sorting, filtering and search ready, the script's "
            f"first page drawn, at {ready:.2f} s (from the start of loading)"
        )
        tab.wait_for_timeout(500)  # the idle-time preparation of search
        for what, action in (
            ("sort by chrF", "click('button.sort[data-key=\"1\"]')"),
            ("sort by chrF again (descending)", "click('button.sort[data-key=\"1\"]')"),
            ("sort by TER", "click('button.sort[data-key=\"3\"]')"),
            ("sort by reference text", "click('button.sort[data-key=\"ref\"]')"),
            ("filter: omissions off", "click('.kind-filter[value=omission]')"),
            ("filter: chrF from 40", "type('.range-min', '40')"),
            ("500 rows a page", "choose('.page-size', '500')"),
            ("next page", "click('.next')"),
            ("reset", "click('.reset')"),
        ):
            print(f"  {what}: {_timed(tab, action) * 1000:.0f} ms")
        for word in ("brain", "the"):
            seconds = tab.evaluate(_SEARCH, word)
            status = tab.locator("#system-0 .status").text_content()
            print(f"  search {word!r}: {seconds * 1000:.0f} ms after the last keystroke, of which {_PAUSE} ms is the "
                  f"pause the page waits for ({status})")  # fmt: skip
        browser.close()


_PAUSE = 80  # ms of quiet typing the page waits for before it searches (report.js)
# In the page: the time from an action to its table laid out again (event handlers run synchronously; reading
# offsetHeight forces the layout).
_ACTIONS = """
    const section = document.querySelector('#system-0');
    const click = (s) => section.querySelector(s).click();
    const type = (s, v) => { const e = section.querySelector(s); e.value = v; e.dispatchEvent(new Event('input')); };
    const choose = (s, v) => { const e = section.querySelector(s); e.value = v; e.dispatchEvent(new Event('change')); };
"""
_SEARCH = """(word) => new Promise((done) => {
    const section = document.querySelector('#system-0');
    const box = section.querySelector('.search');
    const status = section.querySelector('.status');
    const before = status.textContent;
    let start = 0;
    new MutationObserver((_, observer) => {
        document.body.offsetHeight;
        observer.disconnect();
        done((performance.now() - start) / 1000);
    }).observe(status, { childList: true, characterData: true, subtree: true });
    for (let k = 1; k <= word.length; k++) {
        box.value = word.slice(0, k);
        start = performance.now();
        box.dispatchEvent(new Event('input'));
    }
})"""


def _timed(tab, action: str) -> float:
    return tab.evaluate(
        f"() => {{ {_ACTIONS} const start = performance.now(); {action}; document.body.offsetHeight;"
        " return (performance.now() - start) / 1000; }"
    )


if __name__ == "__main__":
    main()
