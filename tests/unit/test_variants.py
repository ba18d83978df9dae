"""Variants the teacher controls: what the [variants] table names varies, the rest stays."""

import hashlib
import json
import re

import numpy as np
import pytest

from tutor.lesson.catalog import bundled
from tutor.lesson.exercise import ExerciseError, load
from tutor.lesson.variants import collisions, variant

MAZUR_WITHOUT_TABLE = load("mazur").path.read_text().split("\n[variants]")[0]  # its last table


def exercise(tmp_path, table: str = "", base: str = MAZUR_WITHOUT_TABLE):
    path = tmp_path / "ex.toml"
    path.write_text(base + ("\n[variants]\n" + table if table is not None else ""))
    return load(str(path))


def test_without_a_table_the_learning_rate_stays(tmp_path):
    ex = exercise(tmp_path, None)
    v = variant(ex, "Ann Lee")
    assert v.settings.learning_rate == 0.5
    assert not np.array_equal(v.network.theta, ex.network.theta) and not np.array_equal(v.X, ex.X)


def test_what_the_table_does_not_name_stays_as_written(tmp_path):
    ex = exercise(tmp_path, "weights = [-0.9, 0.9]\n")
    v = variant(ex, "Ann Lee")
    assert v.settings.learning_rate == 0.5 and np.array_equal(v.X, ex.X) and np.array_equal(v.T, ex.T)
    assert v.network.parameters()["b1"] == 0.35 and v.network.parameters()["w1"] != 0.15


@pytest.mark.parametrize("spec", ["[0.25, 0.25]", "0.25"])
def test_one_value_fixes_a_quantity(tmp_path, spec):
    v = variant(exercise(tmp_path, f"weights = [-0.9, 0.9]\nlearning_rate = {spec}\n"), "Ann Lee")
    assert v.settings.learning_rate == 0.25


def test_values_drawn_from_a_set(tmp_path):
    ex = exercise(tmp_path, "weights = [-0.9, 0.9]\ninputs = { one_of = [0.2, 0.7] }\n")
    for name in ("a", "b", "c"):
        assert set(variant(ex, name).X.ravel()) <= {0.2, 0.7}


@pytest.mark.parametrize("table, problem", [
    ("inputs = [0.9, 0.1]\n", "variants.inputs: the lowest must not be above the highest"),
    ("learning_rate = [0, 0.5]\n", "learning rates must be greater than 0"),
    ("inputs = \"keep\"\n", "must be [lowest, highest], one number, or { one_of = [a, b, ...] }"),
    ("inputs = { one_of = [] }\n", "must be [lowest, highest]"),
])
def test_a_bad_table_is_one_line(tmp_path, table, problem):
    with pytest.raises(ExerciseError, match=re.escape(problem)):
        exercise(tmp_path, table)


def test_xor_keeps_its_data_and_its_variants_can_be_made():
    ex = load("xor")
    for name in ("Ann Lee", "bob", "learner 7"):
        v = variant(ex, name)
        assert np.array_equal(v.X, ex.X) and np.array_equal(v.T, ex.T) and v.settings.learning_rate == 0.5
        assert not np.array_equal(v.network.theta, ex.network.theta)
        # only the collision XOR's own (1, 1) makes: a swapped input is right whichever way
        assert all("'wrong input for the weight'" in c for c in collisions(v))


def test_new_collisions_are_still_drawn_away_when_data_is_kept(tmp_path):
    ex = exercise(tmp_path, "weights = [-0.9, 0.9]\n")
    own = {c.split(":")[0] for c in collisions(ex)}
    for name in (f"learner {k}" for k in range(10)):
        assert {c.split(":")[0] for c in collisions(variant(ex, name))} <= own


def test_the_bundled_exercises_keep_their_learners_numbers():
    """Teachers hand out names and keep the keys: the bundled exercises' [variants] tables
    reproduce the draws of earlier versions (XOR excepted: its data is kept now; names with
    capitals drew other numbers before names were taken without case and extra spaces)."""
    out = {}
    for name in bundled():
        if name == "xor":
            continue
        for who in ("alice", "bob", "Ann Lee"):
            v = variant(load(name), who)
            out[f"{name}/{who}"] = [v.network.theta.tolist(), v.X.tolist(), v.T.tolist(), v.settings.learning_rate]
    digest = hashlib.sha256(json.dumps(out, sort_keys=True).encode()).hexdigest()
    assert digest == "cc2a04361b42cc98c41e5ac774ab0733827b033f31fb983a4be4048b4d673391"


def test_a_name_draws_the_same_numbers_however_it_is_typed():
    """The room shows "jo de vries" as Jo De Vries; the key the teacher printed from the class
    list as "Jo de Vries" must be hers, and verify must accept her code under either spelling."""
    from tutor.lesson.workshop import completion_code, verify

    ex = load("mazur")
    spellings = ("Jo de Vries", "jo  DE vries ", "Jo De Vries", "Jo\u200b de\u00a0Vries")
    drawn = {tuple(variant(ex, who).network.theta) for who in spellings}
    assert len(drawn) == 1
    assert tuple(variant(ex, "Jo van Vries").network.theta) not in drawn
    code = completion_code("mazur", "Jo De Vries", 30, 32)
    assert verify(code, "jo de vries").valid and not verify(code, "jo de vrie").valid


def test_accents_do_not_make_another_learner():
    """"José García" typed without accents, or in capitals, is the same learner with the same
    numbers and codes; unaccented names keep theirs, and scripts without accents to drop
    (Japanese marks make other letters, Hangul, Chinese) keep their names distinct."""
    from tutor.lesson.variants import same_name
    from tutor.lesson.workshop import completion_code, verify

    ex = load("mazur")
    spellings = ("José García", "Jose Garcia", "JOSE  garcia", "jose\u0301 garci\u0301a")
    assert len({tuple(variant(ex, who).network.theta) for who in spellings}) == 1
    assert len({completion_code("mazur", who, 30, 32) for who in spellings}) == 1
    assert verify(completion_code("mazur", "José García", 30, 32), "JOSE GARCIA").valid
    assert tuple(variant(ex, "Jose Garcia").network.theta) != tuple(variant(ex, "Jose Garcio").network.theta)
    # unaccented names: what they were before accents were dropped (NFC, spaces, casefold)
    for name in ("Ann Lee", "Jo de Vries", "王小明", "김민수", "ガクト", "Αννα", "Straße"):
        assert same_name(name) == " ".join(name.split()).casefold()
    assert same_name("Ζωή") == same_name("ζωη") and same_name("Zoë") == "zoe"
    assert len({same_name(n) for n in ("ガクト", "カクト", "王小明", "王小朋", "김민수", "김민서")}) == 6
    assert completion_code("mazur", "Ann Lee", 30, 32) == completion_code("mazur", "ann  lee", 30, 32)
