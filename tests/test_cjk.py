"""Chinese without spaces: split at its own sentence punctuation, aligned on characters, scored as sacrebleu does."""

from __future__ import annotations

import random

from sacrebleu.metrics import BLEU, CHRF

from mtqe.cli import main
from mtqe.model import LinkKind, SourceText
from mtqe.pipeline import align_documents
from mtqe.schema import load_results
from mtqe.segment import segment_document, supported_languages
from tests import docpairs
from tests.conftest import DATA

SOURCE = DATA / "wmt22" / "generaltest2022.zh-en.src.zh"


def chinese_units(start: int = 300, count: int = 80) -> list[str]:
    """Consecutive news lines that end a sentence (so that no sentence spans two units)."""
    lines = [line.strip() for line in SOURCE.read_text(encoding="utf-8").split("\n")]
    return [line for line in lines[start:] if len(line) >= 8 and line[-1] in "。！？"][:count]


def perturbed(text: str, rng: random.Random) -> str:
    """A loose copy: about a tenth of the characters dropped and a twentieth replaced."""
    kept = [c for c in text if rng.random() > 0.1 or c in "。！？"]
    pool = sorted(set(text))
    return "".join(rng.choice(pool) if rng.random() < 0.05 and c not in "。！？" else c for c in kept)


def pair(seed: int = 0):
    """Reference units and hypothesis pieces (drops, merges), glued into paragraphs without spaces; the gold."""
    rng = random.Random(seed)
    units = chinese_units()
    pieces, gold, k = [], [], 0
    while k < len(units):
        roll = rng.random()
        if roll < 0.05:
            gold.append((frozenset({k}), frozenset()))
            k += 1
        elif roll < 0.12 and k + 1 < len(units):
            gold.append((frozenset({k, k + 1}), frozenset({len(pieces)})))
            pieces.append(perturbed(units[k] + units[k + 1], rng))
            k += 2
        else:
            gold.append((frozenset({k}), frozenset({len(pieces)})))
            pieces.append(perturbed(units[k], rng))
            k += 1

    def glue(parts: list[str], breaks: str) -> str:
        paragraphs, i = [], 0
        while i < len(parts):
            take = rng.randint(1, 4)
            paragraphs.append("".join(parts[i : i + take]))
            i += take
        return breaks.join(paragraphs) + "\n"

    return units, pieces, glue(units, "\n"), glue(pieces, "\n\n"), gold


def owners(sentences: list[str], parts: list[str]) -> list[set[int]]:
    """Each sentence's parts, by the position of its characters (spaces aside) in the parts' text."""
    owner = [index for index, part in enumerate(parts) for c in part if not c.isspace()]
    result, position = [], 0
    for sentence in sentences:
        count = sum(1 for c in sentence if not c.isspace())
        result.append(set(owner[position : position + count]))
        position += count
    return result


def test_chinese_is_a_supported_language_split_at_its_own_full_stops():
    assert {"zh", "ja", "ko"} <= set(supported_languages())
    document = segment_document(SourceText("zh.txt", "今天下雨了。我们没有出去！你呢？还好\n", "", "utf-8"), "zh")
    assert document.texts == ["今天下雨了。", "我们没有出去！", "你呢？", "还好"]


def test_chinese_documents_without_spaces_align_on_characters():
    units, pieces, ref_text, hyp_text, gold = pair()
    ref = segment_document(SourceText("ref.txt", ref_text, "", "utf-8"), "zh")
    hyp = segment_document(SourceText("hyp.txt", hyp_text, "", "utf-8"), "zh")
    hyp, links, _ = align_documents(ref, hyp)
    ref_owners, hyp_owners = owners(ref.texts, units), owners(hyp.texts, pieces)
    predicted = docpairs.project(links, ref_owners, hyp_owners, len(units), len(pieces))
    scores = docpairs.LinkScores()
    scores.add(predicted, gold, set(), [])
    assert scores.f1()[2] >= 0.85, scores.f1()
    omitted = {u for link in links if link.kind is LinkKind.OMISSION for i in link.ref_ids for u in ref_owners[i]}
    assert omitted <= {u for r, h in gold if not h for u in r} | {u for r, _ in gold if len(r) > 1 for u in r}


def test_a_chinese_evaluation_scores_exactly_as_sacrebleu_with_its_chinese_tokenizer(tmp_path):
    units = chinese_units(count=30)
    copies = [perturbed(unit, random.Random(k)) for k, unit in enumerate(units)]
    (tmp_path / "ref.txt").write_text("\n".join(units) + "\n", encoding="utf-8")
    (tmp_path / "hyp.txt").write_text("\n".join(copies) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["evaluate", "--aligned", "--lang", "zh", str(tmp_path / "ref.txt"), str(tmp_path / "hyp.txt"),
                 "-o", str(out), "-q", "--bootstrap", "100"]) == 0  # fmt: skip
    results = load_results((out / "results.json").read_text(encoding="utf-8"), "results.json")
    system = results["systems"][0]
    refs, hyps = [s["ref"] for s in system["segments"]], [s["hyp"] for s in system["segments"]]
    bleu = BLEU(trg_lang="zh")
    assert system["corpus"]["bleu"]["score"] == bleu.corpus_score(hyps, [refs]).score
    assert "tok:zh" in system["corpus"]["bleu"]["signature"]
    assert system["corpus"]["chrf"]["score"] == CHRF().corpus_score(hyps, [refs]).score
    sentence = BLEU(trg_lang="zh", effective_order=True)
    assert [s["bleu"] for s in system["segments"]] == [
        sentence.sentence_score(h, [r]).score for h, r in zip(hyps, refs, strict=True)
    ]


def _scores(out) -> dict:
    return load_results((out / "results.json").read_text(encoding="utf-8"), str(out))["systems"][0]


def test_identical_documents_score_100_in_every_language_with_a_tokenizer_for_them(tmp_path):
    """Chinese news lines (tests/data), Japanese and Thai: sacrebleu's 13a leaves unspaced text one token per
    line, so BLEU of identical documents is not 100 without the language's tokenizer; with it, it is."""
    texts = {"zh": "\n".join(chinese_units(count=20)) + "\n",
             "ja": "東京は日本の首都です。\n今日は雨が降っています。\n私は本を読みました。\n",
             "th": "วันนี้อากาศดีมาก\nฉันชอบอ่านหนังสือ\nกรุงเทพเป็นเมืองหลวงของประเทศไทย\n"}  # fmt: skip
    for language, text in texts.items():
        doc = tmp_path / f"{language}.txt"
        doc.write_text(text, encoding="utf-8")
        options = ["--tokenize", "char"] if language != "zh" else ["--lang", "zh"]  # zh: sacrebleu's zh tokenizer
        out = tmp_path / language
        assert main(["evaluate", str(doc), str(doc), "--aligned", "-q", "-o", str(out), *options]) == 0
        system = _scores(out)
        assert {m: system["corpus"][m]["score"] for m in ("chrf", "ter", "wer", "cer")} == {
            "chrf": 100.0, "ter": 0.0, "wer": 0.0, "cer": 0.0}  # fmt: skip
        assert abs(system["corpus"]["bleu"]["score"] - 100.0) < 1e-9
        assert ("tok:char" if language != "zh" else "tok:zh") in system["corpus"]["bleu"]["signature"]


def test_tokenize_gives_sacrebleus_own_bleu_and_is_recorded(tmp_path):
    units = chinese_units(count=40)
    rng = random.Random(3)
    hyps = [perturbed(unit, rng) for unit in units]
    ref, hyp = tmp_path / "ref.txt", tmp_path / "hyp.txt"
    ref.write_text("\n".join(units) + "\n", encoding="utf-8")
    hyp.write_text("\n".join(hyps) + "\n", encoding="utf-8")
    for tokenize in ("char", "intl", "13a"):
        out = tmp_path / tokenize
        assert main(["evaluate", str(ref), str(hyp), "--aligned", "-q", "-o", str(out), "--tokenize", tokenize]) == 0
        system = _scores(out)
        direct = BLEU(tokenize=tokenize).corpus_score(hyps, [units])
        assert system["corpus"]["bleu"]["score"] == direct.score
        for segment, h, r in zip(system["segments"], hyps, units, strict=True):
            assert segment["bleu"] == BLEU(tokenize=tokenize, effective_order=True).sentence_score(h, [r]).score
        assert f"tok:{tokenize}" in system["corpus"]["bleu"]["signature"]
        assert load_results((out / "results.json").read_text(encoding="utf-8"), "r")["settings"]["tokenize"] == tokenize
    assert main(["baseline", "save", str(tmp_path / "char" / "results.json"), "-o", str(tmp_path / "b.json")]) == 0
    gated = main(["gate", str(tmp_path / "13a" / "results.json"), "-b", str(tmp_path / "b.json"), "-q"])
    assert gated == 4  # another tokenizer: not comparable with the baseline
    assert main(["gate", str(tmp_path / "char" / "results.json"), "-b", str(tmp_path / "b.json"), "-q"]) == 0
    default = tmp_path / "default"  # no --tokenize: 13a, sacrebleu's default, comparable with "--tokenize 13a"
    assert main(["evaluate", str(ref), str(hyp), "--aligned", "-q", "-o", str(default)]) == 0
    assert main(["baseline", "save", str(default / "results.json"), "-o", str(tmp_path / "d.json")]) == 0
    assert main(["gate", str(tmp_path / "13a" / "results.json"), "-b", str(tmp_path / "d.json"), "-q"]) == 0


def test_an_unknown_or_downloading_tokenizer_is_a_usage_error(tmp_path, capsys):
    doc = tmp_path / "a.txt"
    doc.write_text("A line.\n", encoding="utf-8")
    for name in ("flores200", "spm", "nonsense"):
        assert (
            main(["evaluate", str(doc), str(doc), "--aligned", "-q", "-o", str(tmp_path / "o"), "--tokenize", name])
            == 2
        )
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and f"unknown tokenizer {name!r}" in err
    assert not (tmp_path / "o").exists()
