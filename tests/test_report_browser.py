"""The HTML report in a real browser: Debian's Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from mtqe.cli import main
from mtqe.report.html import render_html
from tests.conftest import SEED_HYP, SEED_REF
from tests.helpers import synthetic_results

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
SCREENSHOTS = Path(os.environ.get("MTQE_SCREENSHOT_DIR", tempfile.gettempdir()))  # never into the source tree


@pytest.fixture(scope="module")
def browser():
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright = None
    if sync_playwright is None or not Path(CHROMIUM).exists():
        message = "Playwright and Debian's chromium are needed for the browser tests (.ci/run installs them)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        browser.close()


class Page:
    """A page with every dialog, console error and page error recorded."""

    def __init__(self, browser, path: Path, *, javascript: bool = True, width: int = 1400) -> None:
        self.context = browser.new_context(viewport={"width": width, "height": 1000}, java_script_enabled=javascript)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", lambda dialog: (self.dialogs.append(dialog.message), dialog.dismiss()))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.goto(path.as_uri())

    def rows(self, section: int = 0):
        return self.page.locator(f"#system-{section} table.segments tbody tr")

    def column(self, name: str, section: int = 0) -> list[float]:
        index = {"bleu": 7, "chrf": 8, "chrf_pp": 9, "ter": 10, "wer": 11, "cer": 12}[name]
        cells = self.page.locator(f"#system-{section} table.segments tbody tr td:nth-child({index})")
        return [float(text) for text in cells.all_text_contents()]

    def status(self, section: int = 0) -> str:
        return self.page.locator(f"#system-{section} .status").text_content()

    def close(self) -> None:
        self.context.close()


@pytest.fixture(scope="module")
def seeds_report(tmp_path_factory) -> tuple[Path, dict]:
    import json

    out = tmp_path_factory.mktemp("seeds")
    assert main(["evaluate", str(SEED_REF), str(SEED_HYP), "-o", str(out), "-q"]) == 0
    return out / "report.html", json.loads((out / "results.json").read_text(encoding="utf-8"))


@pytest.fixture
def seeds(browser, seeds_report):
    page = Page(browser, seeds_report[0])
    yield page
    assert page.errors == [] and page.dialogs == []
    page.close()


def test_seeds_report_shows_every_link_and_writes_a_screenshot(seeds, seeds_report):
    segments = seeds_report[1]["systems"][0]["segments"]
    assert seeds.rows().count() == len(segments) == 25
    assert seeds.status() == "Showing 1–25 of 25 matching links (25 in all)."
    assert seeds.page.locator("#system-0 tbody tr.omission .kind").text_content() == "omission"
    chrf_shown = seeds.page.locator("#summary table.scores td:nth-child(3)").first.text_content()
    assert chrf_shown.startswith(f"{seeds_report[1]['systems'][0]['corpus']['chrf']['score']:.2f}")
    assert seeds.page.locator("svg.plot").count() == 9
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    seeds.page.screenshot(path=str(SCREENSHOTS / "report-seeds.png"), full_page=True)
    assert (SCREENSHOTS / "report-seeds.png").stat().st_size > 50_000


def test_sorting_by_a_score_column(seeds, seeds_report):
    expected = sorted(round(s["chrf"], 1) for s in seeds_report[1]["systems"][0]["segments"])
    header = seeds.page.locator("#system-0 button.sort[data-key='1']")
    header.click()
    assert seeds.column("chrf") == expected
    assert header.get_attribute("data-dir") == "asc"
    header.click()
    assert seeds.column("chrf") == expected[::-1]


def test_critical_changes_are_marked_and_filter_the_table(seeds, seeds_report):
    segments = seeds_report[1]["systems"][0]["segments"]
    marked = [s for s in segments if s["critical"]]
    assert marked and seeds.page.locator("#system-0 table.segments ul.critical").count() == len(marked)
    texts = seeds.page.locator("#system-0 table.segments ul.critical li").all_text_contents()
    assert "name Mélanie Joly → Mlanie Joly" in texts
    assert "number As many as 100,000 → No less than 100,000" in texts
    choose = seeds.page.locator("#system-0 .critical-filter")
    choose.select_option("any")
    assert seeds.rows().count() == len(marked)
    seeds.page.locator("#system-0 .diff-all").check()  # word differences go above the changes, not below
    last = "(cell) => cell.lastElementChild.tagName + ' ' + cell.lastElementChild.className"
    cells = seeds.page.locator("#system-0 table.segments tbody tr td.text:nth-child(6)")
    assert set(cells.evaluate_all(f"(cells) => cells.map({last})")) == {"UL critical"}
    choose.select_option("number")
    numbers = [s for s in segments if any(c["kind"] == "number" for c in s["critical"])]
    assert seeds.rows().count() == len(numbers) == 1
    assert seeds.status().startswith("Showing 1–1 of 1 matching links")
    choose.select_option("negation")
    assert seeds.rows().count() == 0
    seeds.page.locator("#system-0 .reset").click()
    assert seeds.rows().count() == len(segments) and choose.input_value() == ""


def test_filtering_by_kind(seeds):
    seeds.page.locator("#system-0 .kind-filter[value=match]").uncheck()
    assert seeds.rows().count() == 1
    assert seeds.rows().first.get_attribute("class") == "omission"
    seeds.page.locator("#system-0 .kind-filter[value=omission]").uncheck()
    assert seeds.rows().count() == 0
    assert seeds.status().startswith("Showing 0 of 0")


def test_filtering_by_score_range(seeds, seeds_report):
    segments = seeds_report[1]["systems"][0]["segments"]
    seeds.page.locator("#system-0 .range-metric").select_option(label="TER")
    seeds.page.locator("#system-0 .range-max").fill("20")
    expected = [s for s in segments if round(s["ter"], 1) <= 20]
    assert 0 < len(expected) < len(segments)
    assert seeds.rows().count() == len(expected)
    assert all(value <= 20 for value in seeds.column("ter"))


def test_text_search_looks_in_both_texts(seeds, seeds_report):
    segments = seeds_report[1]["systems"][0]["segments"]
    seeds.page.locator("#system-0 .search").fill("zelensky")
    expected = [k for k, s in enumerate(segments) if "zelensky" in (s["ref"] + "\n" + s["hyp"]).lower()]
    assert len(expected) >= 2
    shown = [int(i) for i in seeds.rows().evaluate_all("rows => rows.map(r => r.dataset.index)")]
    assert shown == expected


def test_worst_first_then_reset(seeds, seeds_report):
    seeds.page.locator("#system-0 .worst").click()
    chrf = seeds.column("chrf")
    assert chrf == sorted(chrf) and chrf[0] == 0.0  # the omission
    seeds.page.locator("#system-0 .reset").click()
    assert seeds.rows().first.get_attribute("data-index") == "0"
    assert [int(i) for i in seeds.rows().evaluate_all("rows => rows.map(r => r.dataset.index)")] == list(range(25))


def test_word_differences_toggle_per_row_and_for_all(seeds):
    row = seeds.rows().nth(1)
    plain, marked = row.locator(".plain").first, row.locator(".marked").first
    assert plain.is_visible() and not marked.is_visible()
    row.locator(".row-diff").check()
    assert marked.is_visible() and not plain.is_visible()
    assert row.locator(".w-sub, .w-del, .w-ins, .w-mov").count() > 0
    assert not seeds.rows().nth(2).locator(".marked").first.is_visible()
    seeds.page.locator("#diff-all-0").check()
    assert seeds.rows().nth(2).locator(".marked").first.is_visible()
    # Marks are readable without colour: each kind has its own line style.
    styles = {
        mark: seeds.page.locator(f".legend .w-{mark}").first.evaluate("e => getComputedStyle(e).textDecorationLine")
        for mark in ("del", "ins", "sub", "mov")
    }
    assert styles["del"] == "line-through" and styles["ins"] == "underline"


def test_the_report_reads_without_javascript(browser, seeds_report):
    page = Page(browser, seeds_report[0], javascript=False)
    assert page.rows().count() == 25
    assert page.page.locator("#system-0 .controls").is_hidden()
    page.page.locator("#system-0 .row-diff").nth(1).check()  # the CSS-only toggle
    assert page.rows().nth(1).locator(".marked").first.is_visible()
    page.close()


def _scroll_to_end(page: Page, rows: int) -> None:
    """Scroll to the table's last drawn row until ``rows`` are drawn (the page draws a page's rows as the
    reader nears them)."""
    for _ in range(rows):
        if page.rows().count() >= rows:
            return
        page.rows().last.scroll_into_view_if_needed()
        page.page.wait_for_timeout(20)


def test_paging_through_a_large_report(browser, tmp_path):
    path = tmp_path / "large.html"
    path.write_text(render_html(synthetic_results(2500)), encoding="utf-8")
    page = Page(browser, path)
    assert page.page.locator("#system-0 .page").text_content() == "page 1 of 25"
    assert page.status() == "Showing 1–100 of 2,500 matching links (2,500 in all)."
    assert page.rows().count() < 100  # the first rows at once, the rest of the page as the reader scrolls to them
    _scroll_to_end(page, 100)
    assert page.rows().count() == 100
    assert page.rows().last.get_attribute("data-index") == "99"
    page.page.locator("#system-0 .next").click()
    assert page.rows().first.get_attribute("data-index") == "100"
    page.page.locator("#system-0 .page-size").select_option("500")
    _scroll_to_end(page, 500)
    assert page.rows().count() == 500
    page.page.locator("#system-0 .page-size").select_option("500")
    page.page.evaluate("window.dispatchEvent(new Event('beforeprint'))")  # printing draws the whole page
    assert page.rows().count() == 500
    assert page.errors == []
    page.close()


def test_a_large_table_sorts_ties_by_row_both_ways_and_searches_after_a_pause(browser, tmp_path):
    from playwright.sync_api import expect

    results = synthetic_results(6000)
    segments = results["systems"][0]["segments"]
    path = tmp_path / "large.html"
    path.write_text(render_html(results), encoding="utf-8")
    page = Page(browser, path)
    kind = page.page.locator("#system-0 button.sort[data-key='kind']")
    kind.click()
    kind.click()  # descending: additions first, each kind in document order
    order = {"match": 0, "omission": 1, "addition": 2}
    expected = sorted(range(len(segments)), key=lambda k: (-order[segments[k]["kind"]], k))[:40]
    shown = [int(i) for i in page.rows().evaluate_all("rows => rows.map(r => r.dataset.index)")]
    assert shown == expected[: len(shown)] and len(shown) >= 20
    assert page.page.locator("#system-0 th[aria-sort]").get_attribute("aria-sort") == "descending"
    page.page.locator("#system-0 .reset").click()
    chrf = page.page.locator("#system-0 button.sort[data-key='1']")
    chrf.click()
    chrf.click()
    values = [round(s["chrf"], 1) for s in segments]
    expected = sorted(range(len(segments)), key=lambda k: (-values[k], k))
    shown = [int(i) for i in page.rows().evaluate_all("rows => rows.map(r => r.dataset.index)")]
    assert shown == expected[: len(shown)]
    page.page.locator("#system-0 .search").fill("brain")
    matching = sum("brain" in (s["ref"] + "\n" + s["hyp"]).lower() for s in segments)
    expect(page.page.locator("#system-0 .status")).to_contain_text(f"of {matching:,} matching links")
    assert page.errors == []
    page.close()


def test_script_rows_say_what_the_server_rows_say(browser, seeds, seeds_report):
    """Without JavaScript the rows are the server's; with it, the script draws them: the same cells and titles."""
    shape = (
        "rows => rows.map(r => [r.className, r.dataset.index, r.querySelector('.kind').title, r.innerText,"
        " [...r.querySelectorAll('td')].map(td => td.className + ' ' + td.title)])"
    )
    plain = Page(browser, seeds_report[0], javascript=False)
    server = plain.rows().evaluate_all(shape)
    plain.close()
    assert seeds.rows().evaluate_all(shape) == server
    assert any("alignment similarity" in row[2] for row in server)
    assert any(row[2].startswith(("confidence", "uncertain")) for row in server)


def test_a_streamed_reports_table_says_it_holds_a_sample(browser, tmp_path):
    results = synthetic_results(300)
    results["systems"][0]["segments_total"] = 120_000
    path = tmp_path / "sample.html"
    path.write_text(render_html(results), encoding="utf-8")
    page = Page(browser, path)
    assert page.status() == (
        "Showing 1–100 of 300 matching links (a sample of 300 of the run's 120,000; segments.csv has every link)."
    )
    page.close()


HOSTILE_LINES = [
    "<script>alert('script tag')</script>",
    "</script><script>alert('closing tag')</script>",
    "<img src=x onerror=\"alert('img onerror')\">",
    '"><svg onload=alert("svg onload")>',
    "<!-- <script>alert('comment')</script> -->",
    "<a href=\"javascript:alert('link')\">click</a>",
    "\u2028</script>\u2029<script>alert('separators')</script>",
    "reversed \u202eelbisivni\u202c text",
]


def test_hostile_text_is_shown_never_run(browser, tmp_path):
    reference = tmp_path / "ref.txt"
    hypothesis = tmp_path / "hyp.txt"
    reference.write_text("".join(f"Line {k} of the reference says something.\n" for k in range(9)), encoding="utf-8")
    hypothesis.write_text("".join(f"Line {k} {text}\n" for k, text in enumerate(HOSTILE_LINES)), encoding="utf-8")
    assert main(["evaluate", str(reference), str(hypothesis), "-o", str(tmp_path / "out"), "-q"]) == 0
    page = Page(browser, tmp_path / "out" / "report.html")
    page.page.locator("#diff-all-0").check()
    page.page.locator("#system-0 .search").fill("line")
    page.page.locator("#system-0 .worst").click()
    assert page.dialogs == []
    assert page.errors == []  # a blocked inline script would show as a CSP error here
    shown = page.page.locator("#system-0 table.segments").inner_text()
    for text in ("<script>alert('script tag')</script>", "<img src=x onerror=\"alert('img onerror')\">"):
        assert text in shown
    assert page.page.locator("#system-0 table.segments img, #system-0 table.segments svg").count() == 0
    assert "⟨U+202E⟩" in shown and "\u202e" not in shown  # bidi controls shown, never applied
    page.close()


def test_the_segment_header_sticks_and_row_checkboxes_are_named(browser, tmp_path):
    """The segments table scrolls in its own box so its header stays in view; each row's checkbox is named
    after its link, for the server's rows and the script's alike (not "0", "1"...)."""
    path = tmp_path / "large.html"
    path.write_text(render_html(synthetic_results(600)), encoding="utf-8")
    page = Page(browser, path)
    box = page.page.locator("#system-0 .table-wrap:has(> table.segments)")
    box.scroll_into_view_if_needed()
    box.evaluate("box => { box.scrollTop = 2000; }")
    assert box.evaluate("box => box.scrollTop") == 2000  # it is a scroll box: the rows moved up under the header
    header = page.page.locator("#system-0 table.segments thead th").first
    assert abs(header.bounding_box()["y"] - box.bounding_box()["y"]) < 2
    assert page.page.get_by_role("checkbox", name="word differences of link 3", exact=True).count() == 1
    page.page.locator("#system-0 .next").click()  # rows the script draws
    assert page.page.get_by_role("checkbox", name="word differences of link 100", exact=True).count() == 1
    assert page.errors == []
    page.close()


def test_a_phone_wide_page_scrolls_only_down_and_labels_each_score(browser, tmp_path):
    """At 390 px each link is a card: texts full width, the six scores in a row, each named; nothing makes
    the page scroll sideways (long paths wrap)."""
    from mtqe.model import LABELS, METRICS

    out = tmp_path / "out"
    assert main(["evaluate", str(SEED_REF), str(SEED_HYP), "-o", str(out), "-q"]) == 0
    page = Page(browser, out / "report.html", width=390)
    assert page.page.evaluate("document.documentElement.scrollWidth") <= 390
    first = page.rows().first
    texts = first.locator("td.text")
    assert texts.nth(0).bounding_box()["width"] > 300 and texts.nth(1).bounding_box()["width"] > 300
    scores = first.locator("td.num").filter(has_not=first.locator("label"))
    labels = [cell.evaluate("td => getComputedStyle(td, '::before').content") for cell in scores.all()[-6:]]
    assert labels == [f'"{LABELS[m]}"' for m in METRICS]
    assert page.errors == []
    page.close()
