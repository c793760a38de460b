from __future__ import annotations

from mtqe.pairing import unit_of_links


def test_units_are_the_smallest_groups_no_link_crosses():
    # baseline: 0 | 1 2 | 3 | (addition) | 4 ;  new: 0 1 | 2 | 3 4
    baseline = [(0,), (1, 2), (3,), (), (4,)]
    new = [(0, 1), (2,), (3, 4)]
    count, (units_a, units_b) = unit_of_links([baseline, new], 5)
    assert count == 2  # {0, 1, 2} and {3, 4}
    assert units_a.tolist() == [0, 0, 1, 1, 1]  # the addition joins the link before it
    assert units_b.tolist() == [0, 0, 1]


def test_additions_before_any_reference_sentence_join_the_first_unit():
    count, (units,) = unit_of_links([[(), (), (0,), (1,)]], 2)
    assert count == 2 and units.tolist() == [0, 0, 0, 1]


def test_one_to_one_runs_keep_one_unit_per_line():
    links = [(i,) for i in range(6)]
    count, (a, b) = unit_of_links([links, links], 6)
    assert count == 6 and a.tolist() == b.tolist() == list(range(6))
