"""Settings are validated when made: a bad value is one clear error, not a failure deep in a run."""

from __future__ import annotations

import dataclasses

import pytest

from mtqe.errors import SettingsError
from mtqe.model import Normalization, Settings


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"bootstrap": 0}, "bootstrap must be a whole number of at least 100"),
        ({"bootstrap": 99.5}, "bootstrap"),
        ({"seed": -1}, "seed"),
        ({"normalize": "nfkd"}, "normalize must be one of none, nfc"),
        ({"aligned": "yes"}, "aligned must be true or false"),
        ({"language": ""}, "language"),
        ({"encoding": ""}, "encoding"),
    ],
)
def test_bad_settings_are_refused_with_a_clear_message(changes, problem):
    with pytest.raises(SettingsError, match=problem):
        Settings(**changes)


def test_settings_are_frozen_and_normalization_is_an_enum():
    settings = Settings(normalize="nfc")
    assert settings.normalize is Normalization.NFC
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.bootstrap = 5  # type: ignore[misc]
    assert not hasattr(settings, "workers")  # speed, not numbers: an engine option, never recorded


def test_mapping_fields_of_frozen_results_cannot_be_changed():
    """A frozen result is frozen all the way to its mappings, and still serializes and pickles as a dict."""
    import json
    import pickle

    from mtqe.align import AlignParams
    from tests.helpers import evaluate_texts

    system = evaluate_texts("One sentence here. Another one there.\n", "One sentence here. Another there.\n").systems[0]
    chrf = system.corpus["chrf"]
    for change in (
        lambda: system.corpus.__setitem__("chrf", None),
        lambda: system.corpus.pop("chrf"),
        lambda: system.analysis.update(by_length=[]),
        lambda: AlignParams().penalty.clear(),
    ):
        with pytest.raises(TypeError, match="cannot be changed"):
            change()
    assert system.corpus["chrf"] is chrf
    copied = pickle.loads(pickle.dumps(system.corpus))
    assert copied == system.corpus and json.loads(json.dumps(system.analysis)) == dict(system.analysis)
    mutable = dict(system.corpus)
    mutable.pop("chrf")  # a copy is an ordinary dict
    assert "chrf" in system.corpus
