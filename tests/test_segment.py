from __future__ import annotations

import pytest

from mtqe.io import read_text
from mtqe.model import SourceText
from mtqe.segment import lines_as_sentences, segment_document, split_metadata, split_paragraphs
from tests.conftest import SEED_HYP, SEED_REF


def source(text: str) -> SourceText:
    return SourceText(path="doc.txt", text=text, sha256="", encoding="utf-8")


def test_seed_reference_sentences_and_metadata_equal_the_gold(gold):
    document = segment_document(read_text(SEED_REF))
    assert list(document.metadata) == gold["reference_metadata"]
    assert document.texts == gold["reference_sentences"]


def test_seed_hypothesis_sentences_equal_the_gold(gold):
    document = segment_document(read_text(SEED_HYP))
    assert document.metadata == ()
    assert document.texts == gold["hypothesis_sentences"]


def test_sentences_know_their_line_and_paragraph():
    document = segment_document(read_text(SEED_HYP))
    # The hypothesis starts with four blank lines; its first paragraph is on line 5.
    first, second = document.sentences[0], document.sentences[1]
    assert (first.line, first.paragraph) == (5, 0)
    assert (second.line, second.paragraph) == (7, 1)
    # "... sanctions." and "We will increase ..." share line 11, paragraph 3
    assert [(s.line, s.paragraph) for s in document.sentences[4:6]] == [(11, 3), (11, 3)]


def test_metadata_is_only_taken_from_the_top():
    lines = ["By Betsy Klein, CNN", "", "Source: CNN", "Body text here.", "By the way, this stays."]
    metadata, body = split_metadata(lines)
    assert metadata == ["By Betsy Klein, CNN", "Source: CNN"]
    assert body == ["", "", "", "Body text here.", "By the way, this stays."]  # line numbers stay


@pytest.mark.parametrize(
    "top",
    [
        ["Russia warns the West", "By Jane Doe, Reuters", "Published: 3 March 2022"],
        ["Russia warns the West", "Updated 10:32 AM ET, Fri December 31, 2021", "", "By Jane Doe and Tom Roe, CNN"],
        ["Fri, 31 Dec 2021 20:38:52 GMT", "Russia warns the West", "2021-12-31 20:38"],
        ["Russland warnt den Westen", "Von Anna Schmidt, dpa", "31. Dezember 2021"],
    ],
)
def test_bylines_and_datelines_below_a_headline_are_set_aside_and_the_headline_is_text(top):
    body = ["The talks began on Monday in Geneva. Neither side expected a breakthrough.", "",
            "Officials will meet again next week."]  # fmt: skip
    tail = ["", "Reporting by Jane Doe; Editing by Tom Roe", "© 2022 Reuters"]
    document = segment_document(source("\n".join([*top, "", *body, *tail]) + "\n"))
    headline = next(line for line in top if "warn" in line)
    assert document.texts[0] == headline
    assert document.texts[1:] == [
        "The talks began on Monday in Geneva.", "Neither side expected a breakthrough.",
        "Officials will meet again next week.",
    ]  # fmt: skip
    assert list(document.metadata) == [line for line in top if line and line != headline] + tail[1:]
    assert document.sentences[1].line == len(top) + 2  # lines keep their numbers


def test_titles_with_numbers_and_text_that_merely_starts_like_metadata_stay_text():
    text = "Top 10 2021 movies\n\nMarch 3 was the day the talks began.\nMay 2021 be a good year\n"
    document = segment_document(source(text))
    assert document.metadata == () and len(document.sentences) == 3


def test_a_sentence_starting_with_by_is_not_metadata():
    document = segment_document(source("By the end of this year, there will be a billion users.\nSecond line.\n"))
    assert document.metadata == ()
    assert len(document.sentences) == 2


def test_hard_wrapped_paragraphs_are_joined_before_splitting():
    text = (
        "The call comes days before officials meet in\n"
        "Geneva on January 10. Zelensky spoke with\n"
        "Blinken this week.\n\nA new paragraph.\n"
    )
    document = segment_document(source(text))
    assert document.texts == [
        "The call comes days before officials meet in Geneva on January 10.",
        "Zelensky spoke with Blinken this week.",
        "A new paragraph.",
    ]
    assert [s.line for s in document.sentences] == [1, 2, 5]
    assert [s.paragraph for s in document.sentences] == [0, 0, 1]


def test_lines_without_blank_lines_between_them_are_separate_paragraphs():
    """Line-per-sentence files (subtitles, MT output) are not one wrapped paragraph, punctuation or not."""
    paragraphs = split_paragraphs(["Line 0 <b>", "Line 1 and more", "Line 2 again"])
    assert [p.text for p in paragraphs] == ["Line 0 <b>", "Line 1 and more", "Line 2 again"]


def test_lines_that_end_sentences_stay_separate_paragraphs():
    paragraphs = split_paragraphs(["First sentence.", "Second one without end", "Third."])
    assert [p.text for p in paragraphs] == ["First sentence.", "Second one without end", "Third."]


def test_lines_as_sentences_keeps_every_line_including_empty_ones():
    document = lines_as_sentences(source("a b.\n\nBy Someone\nlast\n"))
    assert document.texts == ["a b.", "", "By Someone", "last"]
    assert [s.line for s in document.sentences] == [1, 2, 3, 4]


def test_lines_as_sentences_without_final_newline():
    assert lines_as_sentences(source("one\ntwo")).texts == ["one", "two"]


def test_a_headline_above_the_first_paragraph_is_its_own_unit():
    text = (
        "Russia warns the West\n"
        "By now the troops had gathered near the border, officials said on Monday. Talks continue.\n\n"
        "This second paragraph is hard wrapped and goes on\nacross two lines of text.\n"
    )
    document = segment_document(SourceText("doc.txt", text, "", "utf-8"))
    assert document.texts[0] == "Russia warns the West"
    assert document.texts[-1] == "This second paragraph is hard wrapped and goes on across two lines of text."


@pytest.mark.parametrize(
    "text",
    [
        "The meeting was held on Tuesday and was attended\nby more than 200 delegates from all over the\n"
        "world, who debated the new rules for hours.\n\nThey meet again\nnext year.\n",
        "Copyright reform\n\nCopyright holders won a major victory in the EU parliament on Tuesday.\n",
        "A short title\nby the end of the night, the results were clear\n",
        "A short title\nMay 5, 2021 was the day everything changed for us\n",
        "Un título\nPor eso la gente se fue de la ciudad\n",
        "A short title\nUpdated 3 times this week the rules now require masks\n",
        "A short title\nBy Monday the troops had gathered near the border.\n",
        "Thank you all for coming tonight.\n(Applause)\n",
        "The study is out.\nReporting by the team has shown that the policy failed badly\n",
    ],
)
def test_body_text_that_looks_a_little_like_metadata_is_kept(text):
    document = segment_document(source(text))
    assert document.metadata == ()
    assert " ".join(document.texts).split() == text.split()


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        # the Moses list never breaks after "no." or "etc." (WMT and TED text has both at sentence ends)
        ("They say no. So we asked Larry.", "en", ["They say no.", "So we asked Larry."]),
        ("Candles, lamps, etc. How long does it take?", "en", ["Candles, lamps, etc.", "How long does it take?"]),
        ("Quote no. 5 and lamps, etc. as before.", "en", ["Quote no. 5 and lamps, etc. as before."]),
        # a colon or closing bracket before a capital word ends a sentence of at least four words (not a
        # speaker label) or is only bracketed tags; a quotation after a colon stays with its sentence
        ("The sizes are as follows: A2 is 40 cm.", "en", ["The sizes are as follows:", "A2 is 40 cm."]),
        ("BL: That's the ideal. Amy O'Toole: Thank you.", "en", ["BL: That's the ideal.", "Amy O'Toole: Thank you."]),
        ("He said: “Plans are made.” It rained.", "en", ["He said: “Plans are made.”", "It rained."]),
        (
            "(source of video: YouTube) On December 11 it rained.",
            "en",
            ["(source of video: YouTube)", "On December 11 it rained."],
        ),
        ("Well? (Laughter) So we went home.", "en", ["Well?", "(Laughter)", "So we went home."]),
        ("(Laughter) (Applause) So we went.", "en", ["(Laughter) (Applause)", "So we went."]),
        ("(Laughter) so we went home.", "en", ["(Laughter) so we went home."]),
        ("Grades by acidity: extra virgin is best.", "en", ["Grades by acidity: extra virgin is best."]),
        ("Tun Sie bitte Folgendes: Gehen Sie zum Start.", "de", ["Tun Sie bitte Folgendes:", "Gehen Sie zum Start."]),
        ("Voici la première étape : Ça commence.", "fr", ["Voici la première étape :", "Ça commence."]),
    ],
)
def test_capital_words_after_a_colon_or_an_english_no_or_etc_start_a_sentence(text, language, expected):
    assert segment_document(source(text + "\n"), language).texts == expected


def test_a_german_low_opening_quote_after_a_full_stop_starts_a_sentence():
    # WMT22 en-de reference text: the Moses splitter knows „ as no opening quote and keeps these together
    text = (
        "Das sagte Minister Thani bin Ahmed Al Zeyoudi. „Wir arbeiten mit der russischen Seite zusammen.“ "
        "„Die Zeit wird knapp“, sagte sie. Es gab z. B. „Nie wieder“ als Antwort.\n"
    )
    assert segment_document(source(text), "de").texts == [
        "Das sagte Minister Thani bin Ahmed Al Zeyoudi.",
        "„Wir arbeiten mit der russischen Seite zusammen.“",
        "„Die Zeit wird knapp“, sagte sie.",
        "Es gab z. B. „Nie wieder“ als Antwort.",
    ]


def test_sentences_that_lost_their_full_stop_are_broken_before_a_word_the_document_writes_in_lower_case():
    # Online-B's zh-en output (WMT22) drops final full stops in chat text; these are its words
    text = (
        "Just ordered a takeaway, I don't know if it was delivered, but I haven't received it yet "
        "The rider just said it was delivered and just left it at the door. "
        "I asked the shop and they said the rider was on the way "
        "Just wait a little longer, the logistics is fast and the Party members helped.\n"
    )
    assert segment_document(source(text)).texts == [
        "Just ordered a takeaway, I don't know if it was delivered, but I haven't received it yet",
        "The rider just said it was delivered and just left it at the door.",
        "I asked the shop and they said the rider was on the way",
        "Just wait a little longer, the logistics is fast and the Party members helped.",
    ]


def test_capitalised_names_and_german_nouns_do_not_break_sentences():
    names = "We met the Party Secretary and the Party delegates at the party Office in Hunan today.\n"
    assert len(segment_document(source(names)).texts) == 1
    german = "Die Kinder spielen im Garten und die Eltern trinken Kaffee mit den Nachbarn im Haus.\n"
    assert len(segment_document(source(german), "de").texts) == 1
