from __future__ import annotations

import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from mtqe.errors import InputError
from mtqe.model import LABELS, METRICS
from mtqe.report.csv import render_csv
from mtqe.report.html import SERVER_ROWS, embed_json, quality_band, render_html
from mtqe.report.summary import render_summary
from mtqe.schema import evaluation_to_dict, load_results, render_json
from tests.conftest import DATA
from tests.helpers import evaluate_texts, synthetic_results

REFERENCE = "Plain opening sentence about the weather today.\nHe wrote something harmless.\nA final closing sentence.\n"
HOSTILE = (
    "Plain opening sentence about the weather today.\n"
    'He wrote <script>alert(1)</script> and </script><img src=x onerror="alert(2)"> in the text.\n'
    "A final & closing sentence with <b>bold</b> tags\u2028and a line separator.\n"
)


@pytest.fixture(scope="module")
def hostile_evaluation():
    return evaluate_texts(REFERENCE, HOSTILE)


@pytest.fixture(scope="module")
def hostile_page(hostile_evaluation):
    return render_html(evaluation_to_dict(hostile_evaluation))


def test_json_follows_schema_version_1(hostile_evaluation):
    data = json.loads(render_json(evaluation_to_dict(hostile_evaluation)))
    assert data["schema_version"] == "1"
    assert {"path", "sha256", "metadata", "sentences"} <= data["reference"].keys()
    system = data["systems"][0]
    assert {"name", "path", "sha256", "corpus", "segments"} <= system.keys()
    assert list(system["corpus"]) == list(METRICS)
    for entry in system["corpus"].values():
        assert set(entry) == {"score", "ci_low", "ci_high", "signature"}
        assert all(isinstance(entry[k], float) for k in ("score", "ci_low", "ci_high"))
    segment = system["segments"][0]
    assert set(segment) == {"kind", "ref_ids", "hyp_ids", "confidence", "uncertain", "ref", "hyp", *METRICS, "critical"}
    assert segment["kind"] in {"match", "omission", "addition"}
    assert all(0.0 <= s["confidence"] <= 1.0 and isinstance(s["uncertain"], bool) for s in system["segments"])
    assert all(not s["uncertain"] for s in system["segments"] if s["kind"] == "match")
    assert system["uncertain"] == {
        kind: sum(1 for s in system["segments"] if s["uncertain"] and s["kind"] == kind)
        for kind in ("omission", "addition")
    }


def test_json_is_deterministic(hostile_evaluation):
    again = evaluate_texts(REFERENCE, HOSTILE)
    assert render_json(evaluation_to_dict(hostile_evaluation)) == render_json(evaluation_to_dict(again))


def test_saved_results_load_back_and_render_the_same_page(hostile_evaluation, hostile_page):
    text = render_json(evaluation_to_dict(hostile_evaluation))
    assert render_html(load_results(text, "results.json")) == hostile_page


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "no schema_version"),
        ('{"schema_version": "9"}', "schema_version '9' is not supported"),
        ('{"schema_version": "1", "settings": {}, "reference": {}, "systems": []}', "lacks the field 'mtqe_version'"),
    ],
)
def test_broken_results_files_are_refused(text, problem):
    with pytest.raises(InputError, match=problem):
        load_results(text, "results.json")


def test_html_escapes_every_document_text(hostile_page):
    body = hostile_page.split('<script type="application/json"', 1)[0]
    assert "<script>alert" not in hostile_page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img" not in hostile_page and "onerror=&#34;alert(2)&#34;" in body
    assert "<b>bold</b>" not in hostile_page and "&lt;b&gt;bold&lt;/b&gt;" in body


def test_embedded_data_cannot_close_its_script_element(hostile_page):
    data = hostile_page.split('<script type="application/json" id="mtqe-data">', 1)[1].split("</script>", 1)[0]
    assert "<" not in data and ">" not in data and "&" not in data and "\u2028" not in data
    decoded = json.loads(data)
    assert any("<script>alert(1)</script>" in text for text in decoded["systems"][0]["hyp"])
    assert embed_json({"a": "</script>\u2029&"}) == '{"a":"\\u003c/script\\u003e\\u2029\\u0026"}'


def test_the_page_may_run_only_its_own_script(hostile_page):
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', hostile_page).group(1)
    assert "default-src 'none'" in policy and "script-src 'sha256-" in policy
    assert "unsafe-inline'; img" in policy  # styles only; scripts by hash
    scripts = re.findall(r"<script(?![^>]*application/json)[^>]*>", hostile_page)
    assert scripts == ["<script>"]


def test_html_loads_nothing_from_the_network(hostile_page):
    assert not re.search(r"""(?:src|href|action)\s*=\s*["']?(?:https?:)?//""", hostile_page)
    assert "@import" not in hostile_page and "url(" not in hostile_page
    assert "fetch(" not in hostile_page and "XMLHttpRequest" not in hostile_page


def test_server_side_rows_show_texts_scores_and_word_differences(hostile_evaluation, hostile_page):
    system = hostile_evaluation.systems[0]
    assert f"{system.corpus['chrf'].score:.2f}" in hostile_page
    rows = re.findall(r'<tr class="(match|omission|addition)" data-index="(\d+)">', hostile_page)
    assert [kind for kind, _ in rows] == [s.link.kind.value for s in system.segments]
    assert 'class="w-sub"' in hostile_page or 'class="w-ins"' in hostile_page


def test_large_reports_render_the_first_rows_and_carry_all_data():
    results = synthetic_results(SERVER_ROWS + 50)
    page = render_html(results)
    assert len(re.findall(r'<tr class="(?:match|omission|addition)" data-index=', page)) == SERVER_ROWS
    assert f"Showing the first {SERVER_ROWS} of {SERVER_ROWS + 50} links" in page
    data = json.loads(page.split('id="mtqe-data">', 1)[1].split("</script>", 1)[0])
    assert len(data["systems"][0]["ref"]) == SERVER_ROWS + 50


def test_several_systems_get_a_side_by_side_table():
    page = render_html(synthetic_results(30, systems=2))
    assert 'id="compare"' in page and "Side by side" in page
    assert page.count('<section class="system"') == 2


def test_csv_has_one_row_per_segment_with_all_scores(hostile_evaluation):
    frame = pd.read_csv(io.StringIO(render_csv(hostile_evaluation)), keep_default_na=False)
    segments = hostile_evaluation.systems[0].segments
    assert list(frame.columns) == ["system", "segment", "kind", "ref_ids", "hyp_ids", "confidence", "uncertain",
                                   "ref", "hyp", *METRICS, "critical"]  # fmt: skip
    assert len(frame) == len(segments)
    assert list(frame["hyp"]) == [s.hyp for s in segments]
    assert list(frame["chrf"]) == [s.scores.chrf for s in segments]


def test_csv_and_summary_carry_the_seeds_critical_changes(seed_evaluation):
    frame = pd.read_csv(io.StringIO(render_csv(seed_evaluation)), keep_default_na=False)
    cells = [cell for cell in frame["critical"] if cell]
    assert "name: Mélanie Joly -> Mlanie Joly" in cells
    assert "number: As many as 100,000 -> No less than 100,000" in cells
    assert any("name: deputy -> Assistant" in cell for cell in cells)
    results = evaluation_to_dict(seed_evaluation)
    counts = results["systems"][0]["critical"]
    segments = seed_evaluation.systems[0].segments
    assert counts == {kind: sum(len([c for c in s.critical if c.kind == kind]) for s in segments)
                      for kind in ("number", "name", "negation", "content")}  # fmt: skip
    assert f"{counts['name']} names" in render_summary(results)


def test_summary_names_each_system_and_its_counts(hostile_evaluation):
    text = render_summary(evaluation_to_dict(hostile_evaluation))
    assert "hyp0" in text and "BLEU" in text and "CER" in text
    assert re.search(r"hyp0: \d+ links \(\d+ match(es)?, \d+ omissions?, \d+ additions?\)", text)


@pytest.mark.parametrize(
    ("metric", "value", "band"),
    [
        ("chrf", 80.0, 4),
        ("chrf", 50.0, 2),
        ("chrf", 69.96, 4),
        ("chrf", 10.0, 0),
        ("ter", 10.0, 4),
        ("ter", 90.0, 0),
        ("bleu", 45.0, 3),
        ("bleu", 23.0, 1),
        ("cer", 12.0, 3),
        ("wer", 70.04, 1),
    ],
)
def test_quality_bands_follow_the_value_as_shown(metric, value, band):
    assert quality_band(metric, value) == band


def test_the_legend_gives_every_metrics_bands_and_the_cells_follow_them(hostile_page):
    """BLEU 45 and chrF 45 are different qualities; the legend says where each band starts, per metric."""
    import html

    from mtqe.report.html import QUALITY_BANDS, band_ranges

    assert band_ranges("bleu") == ["≥ 50", "40–50", "30–40", "20–30", "< 20"]
    assert band_ranges("ter") == ["≤ 25", "25–40", "40–55", "55–70", "> 70"]
    assert quality_band("bleu", 45.0) != quality_band("chrf", 45.0)
    legend = hostile_page.split('<table class="band-legend">', 1)[1].split("</table>", 1)[0]
    for metric in METRICS:
        row = re.search(rf"<th scope=\"row\">{re.escape(LABELS[metric])} .*?</tr>", legend).group(0)
        cells = [(band, html.unescape(text)) for band, text in re.findall(r'<td class="num q(\d)">([^<]*)</td>', row)]
        assert cells == [(str(4 - k), text) for k, text in enumerate(band_ranges(metric))]
        assert len(QUALITY_BANDS[metric]) == 4


class _Skeleton(HTMLParser):
    """Tags with their id and class, nesting shown by indentation: the page's structure without its text."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: list[str] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        keep = " ".join(f'{k}="{attributes[k]}"' for k in ("id", "class") if attributes.get(k))
        self.lines.append("  " * self.depth + f"<{tag} {keep}".rstrip() + ">")
        if tag not in {"meta", "input", "br", "rect", "circle", "line"}:
            self.depth += 1

    def handle_endtag(self, tag):
        if tag not in {"meta", "input", "br", "rect", "circle", "line"}:
            self.depth -= 1


def test_seed_report_structure_matches_the_golden_file():
    """Set MTQE_UPDATE_GOLDEN=1 to rewrite tests/data/golden/seed_report.txt after a deliberate change."""
    import os

    from mtqe.io import read_text
    from mtqe.model import Settings
    from mtqe.pipeline import evaluate
    from mtqe.segment import segment_document
    from tests.conftest import SEED_HYP, SEED_REF

    reference = segment_document(read_text(SEED_REF))
    evaluation = evaluate(reference, [segment_document(read_text(SEED_HYP))], Settings(bootstrap=100))
    parser = _Skeleton()
    parser.feed(render_html(evaluation_to_dict(evaluation)))
    skeleton = "\n".join(parser.lines) + "\n"
    golden = Path(DATA / "golden" / "seed_report.txt")
    if os.environ.get("MTQE_UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(skeleton, encoding="utf-8")
    assert skeleton == golden.read_text(encoding="utf-8")


def test_results_without_the_optional_sections_still_render():
    """results.json files from before analyses and comparisons were added stay readable."""
    results = synthetic_results(5)
    for system in results["systems"]:
        del system["analysis"], system["sentence_lines"]
    del results["reference"]["sentence_lines"]
    page = render_html(results)
    assert page.count('<tr class="') >= 5 and "Scores by reference sentence length" not in page


def test_spreadsheet_formulas_and_bidi_controls_are_made_harmless():
    evaluation = evaluate_texts(
        "Plain sentence one.\nPlain sentence two.\nPlain sentence three.\n",
        '=HYPERLINK("http://evil.example","click") sentence one.\n'
        "@SUM(A1:A2) two.\nA \u202eeerht ecnetnes\u202c here.\n",
    )
    frame = pd.read_csv(io.StringIO(render_csv(evaluation)), keep_default_na=False)
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in frame["hyp"])
    assert any(cell.startswith("'=HYPERLINK") for cell in frame["hyp"])
    page = render_html(evaluation_to_dict(evaluation))
    body = page.split('<script type="application/json"', 1)[0]
    assert "\u202e" not in body and "\u202c" not in body
    assert "⟨U+202E⟩" in body and "⟨U+202C⟩" in body


def test_very_long_links_are_shown_without_word_differences():
    from mtqe.report.diff import MAX_DIFF_WORDS, decode, word_diff

    ref = " ".join(f"w{k}" for k in range(MAX_DIFF_WORDS + 1))
    diff = word_diff(ref, "w1 w2")
    assert diff.ops == "" and decode(ref, "w1 w2", diff)[1] == [("w1", "eq"), ("w2", "eq")]


def test_summary_lines_never_start_a_ci_workflow_command():
    results = synthetic_results(3)
    results["systems"][0]["name"] = "::error file=x::pwned"
    assert not any(line.startswith("::") for line in render_summary(results).splitlines())


def test_the_compiled_template_cache_never_changes_the_page(hostile_evaluation, hostile_page, tmp_path, monkeypatch):
    """Cold, warm, corrupted or unwritable, Jinja2's bytecode cache gives the same report."""
    from mtqe.report import html

    results = evaluation_to_dict(hostile_evaluation)
    cache_dir = tmp_path / "cache"
    cache_dir.mkdir()
    monkeypatch.setattr(html, "_template_cache", lambda: html._TemplateCache(str(cache_dir)))
    pages = [render_html(results), render_html(results)]  # compiled and stored, then loaded
    [stored] = list(cache_dir.iterdir())
    stored.write_bytes(stored.read_bytes()[:40])  # cut short, as a full disk or a killed run might leave it
    pages.append(render_html(results))
    cache_dir.chmod(0o500)  # read-only: nothing can be stored
    try:
        pages.append(render_html(results))
    finally:
        cache_dir.chmod(0o700)
    assert pages == [hostile_page] * 4


def test_csv_cells_read_back_as_the_segments_values(hostile_evaluation):
    frame = pd.read_csv(io.StringIO(render_csv(hostile_evaluation)), keep_default_na=False,
                        dtype={"ref_ids": str, "hyp_ids": str})  # fmt: skip
    for row, segment in zip(frame.to_dict("records"), hostile_evaluation.systems[0].segments, strict=True):
        assert [row[m] for m in METRICS] == [getattr(segment.scores, m) for m in METRICS]
        confidence = segment.link.confidence
        assert row["confidence"] == ("" if confidence is None else round(confidence, 4))
        assert row["uncertain"] == segment.link.uncertain
        assert (row["ref_ids"], row["hyp_ids"]) == tuple(" ".join(map(str, ids)) for ids in
                                                         (segment.link.ref_ids, segment.link.hyp_ids))  # fmt: skip


def test_histograms_keep_scores_over_100_out_of_the_last_bin():
    from mtqe.report.plots import histogram

    plot = str(histogram([0.0, 50.0, 100.0, 100.0, 150.0, 2300.0], label="WER", higher_is_better=False))
    titles = re.findall(r"<title>([^<]+)</title>", plot)
    assert "95-100: 2 segments" in titles and "over 100: 2 segments" in titles
    assert ">&gt;100</text>" in plot
    plain = str(histogram([0.0, 100.0], label="chrF", higher_is_better=True))
    assert "over 100" not in plain and "&gt;100" not in plain


def test_plot_axes_show_their_whole_maximum():
    from mtqe.report.plots import histogram

    plot = str(histogram([3.0] * 24_885, label="chrF", higher_is_better=True))
    assert ">24.9k</text>" in plot  # not "4885" cut by the margin
    assert "0-5: 24,885 segments" in plot


def test_system_differences_say_better_or_worse_in_each_metrics_direction():
    """A clearly better system is "better" on every metric, TER's lower score included; the interval and both
    p-values are on the page, and the verdict follows approximate randomization."""
    from mtqe.report.html import comparison_verdict
    from tests.conftest import SEED_HYP, SEED_REF

    ref = SEED_REF.read_text(encoding="utf-8")
    close = ref.replace(" the ", " a ")
    evaluation = evaluate_texts(ref, SEED_HYP.read_text(encoding="utf-8"), close, bootstrap=300)
    results = evaluation_to_dict(evaluation)
    [comparison] = results["comparisons"]
    assert comparison["system"] == "hyp1" and comparison["against"] == "hyp0"
    assert comparison["metrics"]["ter"]["delta"] < 0 < comparison["metrics"]["chrf"]["delta"]
    assert all(comparison_verdict(m, comparison["metrics"][m]) == "better" for m in METRICS)
    assert comparison_verdict("ter", {"delta": 3.0, "p_randomization": 0.01, "p_bootstrap": 0.2}) == "worse"
    assert comparison_verdict("bleu", {"delta": 3.0, "p_randomization": 0.2, "p_bootstrap": 0.01}) == "same"
    page = render_html(results)
    table = page.split('<table class="ranking">', 1)[1].split("</table>", 1)[0]
    cells = re.findall(r'<td class="num (better|worse|same)">([^<]*) <span class="verdict">([^<]*)</span>', table)
    assert [(verdict, word) for verdict, _, word in cells] == [("better", "better")] * len(METRICS)
    ter = comparison["metrics"]["ter"]
    assert f"[{ter['ci_low']:+.2f}, {ter['ci_high']:+.2f}]" in table and f"bootstrap {ter['p_bootstrap']:.3f}" in table


def test_lines_paired_by_position_are_not_labelled_with_a_link_shape(tmp_path):
    """--aligned pairs every line 1-1 by position: "match 1-1" on every row says nothing, so it is left out."""
    from tests.helpers import run_in_process

    ref, hyp = tmp_path / "ref.txt", tmp_path / "hyp.txt"
    ref.write_text("One line here.\nTwo lines here.\nThree lines.\n", encoding="utf-8")
    hyp.write_text("One line there.\nTwo lines here.\nThree more lines.\n", encoding="utf-8")
    for options, shapes in (["--aligned"], 0), ([], 3):
        out = tmp_path / f"out{len(options)}"
        assert (
            run_in_process(["evaluate", str(ref), str(hyp), "-q", "-o", str(out), *options], tmp_path).returncode == 0
        )
        page = (out / "report.html").read_text(encoding="utf-8")
        assert page.count("match 1-1</span>") == shapes
        assert f'"aligned":{"true" if options else "false"}' in page


def test_the_history_page_draws_each_system_its_verdicts_and_the_baseline():
    from mtqe.history import parse_history, render_entry
    from mtqe.report.html import render_history

    def entry(commit, system, status, chrf, baseline):
        scores = {"chrf": chrf, "bleu": chrf - 20}
        return {"mtqe_history": "1", "commit": commit, "system": system, "status": status, "scores": scores,
                "baseline": {"chrf": baseline, "bleu": baseline - 20}}  # fmt: skip

    lines = [entry("a1", "prod", "pass", 60.0, 60.0), entry("a1", "draft", "warn", 55.0, 56.0),
             entry("b2", "prod", "fail", 57.5, 60.0), entry("c3", "prod", "identical", 57.5, 57.5)]  # fmt: skip
    entries = parse_history("".join(render_entry(line) for line in lines), "h.jsonl")
    page = render_history(entries, "h.jsonl")
    chrf = page.split("chrF ↑ over 4 runs, 2 systems", 1)[1].split("</svg>", 1)[0]
    assert chrf.count("<polyline") == 1  # prod's three runs; draft has one run, a point
    assert [re.search(r'class="run status-(\w+)"', dot).group(1) for dot in chrf.split("<circle")[1:]] == [
        "pass", "fail", "identical", "warn"]  # fmt: skip
    assert "run 3 (b2), prod: 57.50 (fail)" in chrf and "run 2 (a1), draft: 55.00 (warn)" in chrf
    assert "the latest run's baseline: 57.50" in chrf and 'class="baseline"' in chrf
    assert ">run 1 (a1)</text>" in chrf and ">run 4 (c3)</text>" in chrf
    assert '<td class="status-fail">fail</td>' in page
