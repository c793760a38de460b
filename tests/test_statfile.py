"""statistics.npy: the per-link statistics beside results.json, so the gate and baselines need not rescore."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys

import numpy as np
import pytest
from sacrebleu.metrics import BLEU

from mtqe.cli import main
from mtqe.pairstats import COLUMNS, LAYOUT, WIDTHS
from mtqe.run import load_run
from tests.conftest import ROOT, SEED_HYP, SEED_REF
from tests.helpers import ted_lines


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """The seed pair, and the seed reference against a hypothesis that lost its last paragraphs."""
    folder = tmp_path_factory.mktemp("runs")
    shorter = folder / "shorter.txt"
    paragraphs = [p for p in SEED_HYP.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    shorter.write_text("\n\n".join(paragraphs[:-3]) + "\n", encoding="utf-8")
    for name, hyp in (("seed", SEED_HYP), ("shorter", shorter)):
        assert main(["evaluate", str(SEED_REF), str(hyp), "-o", str(folder / name), "-q"]) == 0
    assert main(["baseline", "save", str(folder / "seed" / "results.json"), "-o", str(folder / "base.json")]) == 0
    return folder


def test_the_file_holds_each_links_statistics_as_sacrebleu_counts_them(runs):
    results = json.loads((runs / "seed" / "results.json").read_text(encoding="utf-8"))
    system = results["systems"][0]
    record = system["statistics"]
    table = np.load(runs / "seed" / record["file"], allow_pickle=False)
    assert record["layout"] == LAYOUT and table.shape == (len(system["segments"]), COLUMNS)
    assert (record["first_row"], record["rows"]) == (0, len(system["segments"]))
    bleu = BLEU()
    for row, segment in zip(table, system["segments"], strict=True):
        expected = bleu._extract_corpus_statistics([segment["hyp"]], [[segment["ref"]]])[0]
        assert row[: WIDTHS["bleu"]].tolist() == expected


def test_stored_statistics_equal_the_rescored_ones(runs, tmp_path):
    stored, problem = load_run(runs / "seed" / "results.json")
    alone = tmp_path / "results.json"  # results.json copied without its statistics file: scored again
    shutil.copy(runs / "seed" / "results.json", alone)
    rescored, again = load_run(alone)
    assert problem == again == ()
    assert stored.stats.equals(rescored.stats) and stored.ref_ids == rescored.ref_ids


def test_a_statistics_file_of_another_run_is_never_used(runs, tmp_path, capsys):
    mixed = tmp_path / "mixed"
    shutil.copytree(runs / "shorter", mixed)
    shutil.copy(runs / "seed" / "statistics.npy", mixed / "statistics.npy")
    base = str(runs / "base.json")
    assert main(["gate", str(runs / "shorter" / "results.json"), "-b", base]) == 1
    expected = capsys.readouterr()
    assert main(["gate", str(mixed / "results.json"), "-b", base]) == 1
    got = capsys.readouterr()
    assert got.out == expected.out  # the same verdict, from the texts
    assert "statistics not used, the texts were scored again" in got.err and "sha256 differs" in got.err


def test_a_malformed_statistics_entry_is_a_clear_input_error(runs, tmp_path, capsys):
    results = json.loads((runs / "seed" / "results.json").read_text(encoding="utf-8"))
    del results["systems"][0]["statistics"]["sha256"]
    broken = tmp_path / "results.json"
    broken.write_text(json.dumps(results), encoding="utf-8")
    assert main(["gate", str(broken), "-b", str(runs / "base.json")]) == 3
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(broken) in err[0] and "statistics" in err[0]


def test_the_gate_imports_no_numba_scipy_or_pandas(runs):
    """The gate reads statistics and resamples them; the compiled scorer is for evaluate."""
    script = (
        "import sys\nfrom mtqe.cli import main\n"
        f"code = main(['gate', {str(runs / 'shorter' / 'results.json')!r}, '-b', {str(runs / 'base.json')!r}, '-q'])\n"
        "print(code, sorted({m.split('.')[0] for m in sys.modules} & {'numba', 'scipy', 'pandas', 'dask'}))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "1 []"  # a real regression found, without them


@pytest.fixture(scope="module")
def two_systems(tmp_path_factory):
    """Forty TED lines scored for two systems, run.a (as is) and run.b (lower-cased), in one run."""
    folder = tmp_path_factory.mktemp("two")
    ref, hyp = ted_lines(40)
    paths = [folder / name for name in ("ref.txt", "run.a.txt", "run.b.txt")]
    paths[0].write_text(ref, encoding="utf-8")
    paths[1].write_text("\n".join(hyp) + "\n", encoding="utf-8")
    paths[2].write_text("\n".join(line.lower() for line in hyp) + "\n", encoding="utf-8")
    assert main(["evaluate", "--aligned", *map(str, paths), "-o", str(folder / "out"), "-q", "--bootstrap", "100"]) == 0
    return folder / "out"


def test_two_systems_share_one_file_in_order(two_systems, tmp_path):
    out = two_systems
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    first, second = (system["statistics"] for system in results["systems"])
    assert (first["first_row"], first["rows"], second["first_row"], second["rows"]) == (0, 40, 40, 40)
    for name in ("run.a", "run.b"):
        stored, problem = load_run(out / "results.json", name)
        alone = tmp_path / f"alone-{name}.json"
        shutil.copy(out / "results.json", alone)
        assert problem == () and stored.stats.equals(load_run(alone, name)[0].stats)


def test_the_gate_says_which_of_several_systems_it_takes_and_a_wrong_name_is_a_usage_error(
    two_systems, tmp_path, capsys
):
    out = two_systems
    results, base = str(out / "results.json"), str(tmp_path / "base.json")
    assert main(["baseline", "save", results, "-o", base, "--system", "b"]) == 0  # a unique end of a name
    assert "taking the first" not in capsys.readouterr().err
    assert main(["gate", results, "-b", base, "-q"]) in (0, 1)
    assert "has 2 systems; taking the first, 'run.a'" in capsys.readouterr().err
    assert main(["gate", results, "-b", base, "--system", "c"]) == 2
    assert "--system: no system named 'c'; the results have run.a, run.b" in capsys.readouterr().err
    assert main(["gate", results, "-b", base, "--system", "run"]) == 2  # the end of no name, the start of two
