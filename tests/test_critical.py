"""mtqe.critical on real text: the sample pair's labelled changes, edits at known places in TED and
WMT22 lines, format-only differences that must not count, lower-cased and German text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mtqe.critical import Change, critical_changes
from tests.criticalpairs import EDITS, labelled_pairs, load_sources

LABELS = json.loads((Path(__file__).parent / "data" / "critical" / "sample_labels.json").read_text(encoding="utf-8"))


def _kinds(ref: str, hyp: str, language: str = "en") -> set[str]:
    return {c.kind for c in critical_changes(ref, hyp, language)}


def _segment(link: int) -> dict:
    return next(s for s in LABELS["segments"] if s["link"] == link)


@pytest.mark.parametrize(
    ("link", "expected"),
    [
        (7, Change("name", "deputy", "Assistant")),
        (16, Change("name", "Mélanie Joly", "Mlanie Joly")),
        (22, Change("number", "As many as 100,000", "No less than 100,000")),
    ],
)
def test_the_sample_pairs_title_name_and_quantity_changes_are_found(link: int, expected: Change) -> None:
    segment = _segment(link)
    assert expected in critical_changes(segment["ref"], segment["hyp"])


def test_the_sample_pairs_other_links_report_only_what_the_labels_say() -> None:
    for segment in LABELS["segments"]:
        found = {(c.kind, c.ref) for c in critical_changes(segment["ref"], segment["hyp"])}
        assert found == {(c["kind"], c["ref"]) for c in segment["expected"]}, segment["link"]


@pytest.mark.parametrize(
    ("ref", "hyp", "language"),
    [
        (
            "The deal is worth $240 million, officials said.",
            "The deal is worth 240 million dollars, officials said.",
            "en",
        ),
        ("The Lakers won 7-2 on Sunday.", "The Lakers won 7 to 2 on Sunday.", "en"),
        ("About 1,000 people came.", "About 1000 people came.", "en"),
        ("Rund 1.000 Menschen kamen.", "Rund 1000 Menschen kamen.", "de"),
        ("Er zahlte 2,5 Millionen Euro.", "Er zahlte 2.500.000 Euro.", "de"),
        ("She waited ten days.", "She waited 10 days.", "en"),
        ("100,000 troops remained there.", "No less than 100,000 troops remained there.", "en"),
        ("He finished 1st in the race.", "He finished first in the race.", "en"),
        ("They meet on January 10 in Geneva.", "They meet on 10 January in Geneva.", "en"),
        ("Prices rose 5%.", "Prices rose 5 percent.", "en"),
        ("The COVID-19 rules end in 2022.", "The Covid-19 rules end in 2022.", "en"),
    ],
)
def test_numbers_written_another_way_are_not_changes(ref: str, hyp: str, language: str) -> None:
    assert "number" not in _kinds(ref, hyp, language)


@pytest.mark.parametrize(
    ("ref", "hyp", "expected"),
    [
        (
            "Talks on January 10 in Geneva.",
            "Talks on January 12 in Geneva.",
            Change("number", "January 10", "January 12"),
        ),
        ("Support fell 40% this year.", "Support fell 45 percent this year.", Change("number", "40%", "45 percent")),
        ("He has 3 children.", "He has children.", Change("number", "3", "")),
        ("The F-16 landed.", "The F-15 landed.", Change("number", "F-16", "F-15")),
    ],
)
def test_a_changed_or_dropped_value_is_reported_with_both_sides(ref: str, hyp: str, expected: Change) -> None:
    assert expected in critical_changes(ref, hyp)


def test_each_kind_is_found_where_a_real_line_was_edited_and_nothing_else() -> None:
    """A few pairs of each edit from every source (TED, WMT22 zh-en, WMT22 en-de), labels by construction."""
    pairs = [p for p in labelled_pairs(per_edit=2) if p.family == "self" and p.part == "held-out"]
    assert {p.edit for p in pairs} == set(EDITS)
    wrong = [(p.edit, p.source, p.hyp) for p in pairs if _kinds(p.ref, p.hyp, p.language) != set(p.expected)]
    assert len(wrong) <= len(pairs) // 20, wrong  # the benchmark's held-out error rate, with room


def test_an_edit_in_real_mt_output_is_found_at_its_place() -> None:
    pairs = [p for p in labelled_pairs(per_edit=2) if p.family == "real" and p.expected != {"content"}]
    assert len(pairs) >= 20
    missed = []
    for pair in pairs:
        (kind,) = pair.expected
        changes = [c for c in critical_changes(pair.ref, pair.hyp, pair.language) if c.kind == kind]
        if not any(pair.marker.split()[0] in c.ref + " " + c.hyp for c in changes):
            missed.append((pair.edit, pair.hyp))
    assert len(missed) <= len(pairs) // 5, missed


def test_a_lower_cased_hypothesis_loses_no_names() -> None:
    for source in ("ted", "zh-en"):
        _, refs, _ = load_sources()[source]
        for ref in refs[:300]:
            names = [c for c in critical_changes(ref, ref.lower()) if c.kind == "name"]
            assert names == [], (ref, names)


def test_a_misspelt_name_in_a_lower_cased_hypothesis_is_still_found() -> None:
    ref = "Blinken spoke with Canadian Foreign Minister Mélanie Joly on Friday."
    assert "name" in _kinds(ref, ref.lower().replace("mélanie", "mlanie"))


def test_capitalised_common_words_and_sentence_starts_are_not_names() -> None:
    assert _kinds("Instead, the two men held talks.", "Rather, the two men held talks.") == set()
    assert _kinds("He met the Party leaders.", "He met the party leaders.") == set()
    assert (
        _kinds(
            "Biden also told Putin the US did not plan it.", "Biden also told Putin the United States did not plan it."
        )
        == set()
    )


def test_german_nouns_are_not_names_but_german_names_are() -> None:
    assert _kinds("Der Hund lief über die Straße.", "Die Katze lief über die Straße.", "de") == set()
    changes = critical_changes(
        "Außenministerin Annalena Baerbock traf Jens Stoltenberg.",
        "Außenministerin Annalena Barbock traf Jens Stoltenberg.",
        "de",
    )
    assert [c.kind for c in changes] == ["name"] and "Baerbock" in changes[0].ref and "Barbock" in changes[0].hyp
    assert "name" in _kinds("Sie sprach mit Mélanie Joly.", "Sie sprach mit Mlanie Joly.", "de")


def test_german_negations_are_counted() -> None:
    assert _kinds("Das Werk wird nicht geschlossen.", "Das Werk wird geschlossen.", "de") == {"negation"}
    assert _kinds("Es gibt keine Einigung.", "Es gibt eine Einigung.", "de") == {"negation"}
    assert _kinds("Das ist nicht nur teuer, sondern auch langsam.", "Das ist teuer und auch langsam.", "de") == set()


@pytest.mark.parametrize(
    ("ref", "hyp", "changed"),
    [
        ("The call did not yield any breakthroughs.", "The call yielded major breakthroughs.", True),
        ("He never came back.", "He came back.", True),
        ("And so he did not disagree with any of that.", "And so he didn't disagree with any of this.", False),
        ("No, I think we should wait.", "I think we should wait.", False),
        ("No less than 100 people came.", "At least 100 people came.", False),
        ("It is not only cheap but also fast.", "It is cheap and also fast.", False),
    ],
)
def test_negations_and_the_idioms_that_only_look_like_them(ref: str, hyp: str, changed: bool) -> None:
    assert ("negation" in _kinds(ref, hyp)) is changed


def test_a_dropped_clause_is_content_and_a_paraphrase_is_not() -> None:
    ref = (
        "The Alliance stands ready for meaningful dialogue with Russia, while standing united to deter further "
        "aggression against neighbouring countries, the readout said."
    )
    assert _kinds(ref, "The Alliance stands ready for meaningful dialogue with Russia, the readout said.") == {
        "content"
    }
    paraphrase = (
        "The Alliance is prepared for a constructive dialogue with Russia, while remaining united to deter further "
        "attacks against neighbouring countries, the text said."
    )
    assert "content" not in _kinds(ref, paraphrase)


def test_identical_text_has_no_changes() -> None:
    _, refs, hyps = load_sources()["en-de"]
    assert all(critical_changes(line, line, "de") == () for line in refs[:50] + hyps[:50])
    assert critical_changes("", "") == ()


def test_changes_come_in_kind_order() -> None:
    changes = critical_changes(
        "Minister Heiko Maas did not visit Paris on May 3.", "Minister Heiko Mass visited Paris on May 4."
    )
    assert [c.kind for c in changes] == ["number", "name", "negation"]


def _real_lines(source: str, count: int) -> list[tuple[str, str]]:
    """The first ``count`` line pairs (reference, system output) of a real MT test set in tests/data."""
    data = Path(__file__).parent / "data"
    wmt = "wmt22/generaltest2022.en-de"
    ref, hyp = {"ted": ("ted/reference.en", "ted/system.en"), "de": (f"{wmt}.ref.A.de", f"{wmt}.hyp.Online-B.de")}[
        source
    ]
    refs = (data / ref).read_text(encoding="utf-8").split("\n")
    hyps = (data / hyp).read_text(encoding="utf-8").split("\n")
    return [(r, h) for r, h in zip(refs, hyps, strict=True) if r and h][:count]


def test_pronouns_interjections_and_stage_directions_are_never_names() -> None:
    """Real TED output: "I'm" for "I've", "OK" for "Okay", "(Laughter)" dropped are not name changes."""
    never = {"i", "i'm", "i've", "i'd", "i'll", "ok", "okay", "oh", "hey", "laughter", "applause", "we're", "don't"}
    names = [c for ref, hyp in _real_lines("ted", 1200) for c in critical_changes(ref, hyp) if c.kind == "name"]
    assert names  # the system does garble real names
    assert not [c for c in names if {c.ref.lower(), c.hyp.lower()} & never]
    assert critical_changes("I'm sure. OK, we'll go. (Laughter)", "I've got it. Okay, we go.") == ()


def test_a_name_change_never_names_a_common_word_as_its_counterpart() -> None:
    names = [c for ref, hyp in _real_lines("ted", 1200) for c in critical_changes(ref, hyp) if c.kind == "name"]
    for change in names:
        for side in (change.ref, change.hyp):
            assert not side or side[0].isupper() or side[0].isdigit() or side.split()[0].lower() in {
                "deputy", "assistant", "vice", "president", "minister", "secretary", "state", "general", "chief",
            }, change  # fmt: skip


def test_german_compounds_and_amounts_are_not_names() -> None:
    names = [c for ref, hyp in _real_lines("de", 1200) for c in critical_changes(ref, hyp, "de") if c.kind == "name"]
    assert not [
        c
        for c in names
        if "-" in c.ref + c.hyp and not any(w.isupper() for w in (c.ref + " " + c.hyp).replace("-", " ").split())
    ]
    assert not [c for c in names if {"Millionen", "Milliarden", "Pfund"} & set((c.ref + " " + c.hyp).split())]
    assert critical_changes("Drücken Sie die Power-Taste.", "Drücken Sie den Netzschalter.", "de") == ()
    assert critical_changes("Sie kostet 75 Millionen Pfund.", "Sie kostet £75 Millionen.", "de") == ()


def test_a_lower_cased_german_hypothesis_keeps_its_dates() -> None:
    pairs = [(ref, hyp.lower()) for ref, hyp in _real_lines("de", 1200) if "Juni" in ref or "August" in ref]
    assert pairs
    for ref, hyp in pairs:
        assert all(c.ref not in {"Juni", "August"} for c in critical_changes(ref, hyp, "de") if c.kind == "number")
    assert (
        critical_changes("Das war im Juni 2020 so.", "das war im juli 2020 so.", "de")
        == (Change("number", "Juni 2020", "juli 2020"),)
        or critical_changes("Das war im Juni 2020 so.", "das war im juli 2020 so.", "de")[0].kind == "number"
    )
