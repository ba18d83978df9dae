"""Answer keys and question sheets for a class that works on paper."""

import subprocess
import sys

from tutor.lesson.exercise import load
from tutor.lesson.variants import variant_worked
from tutor.lesson.workshop import key_html, key_markdown, sheet_html, sheet_markdown


def test_the_html_key_says_the_inputs_and_targets_as_the_markdown_does():
    ex = load("mazur")
    line = "Inputs and targets: 0.55, 0.25 -> 0.14, 0.66"
    assert line in key_markdown(ex, ["alice"])
    assert line.replace(">", "&gt;") in key_html(ex, ["alice"])


def test_a_sheet_has_the_learners_numbers_and_no_answers():
    ex = load("mazur")
    worked = variant_worked(ex, "alice")
    for page in (sheet_markdown(ex, ["alice"]), sheet_html(ex, ["alice"])):
        assert "w1 = -0.2" in page and "0.55, 0.25 -" in page and "learning rate 0.55" in page
        assert all(s.id in page for s in worked.asked)
        for s in worked.asked:
            if s.value in worked.given.values():
                continue  # dnet_o1/dout_h1 is w5: a given number
            assert f"{s.value:.9g}" not in page and s.numbers not in page, s.id
        assert "bptutor mazur --variant" in page


def test_sheet_command_prints_a_page_per_learner():
    r = subprocess.run([sys.executable, "-m", "tutor", "sheet", "xor", "--variant", "Ann Lee", "--variant", "Bo",
                        "--format", "html"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count("<section>") == 2 and "page-break-after:always" in r.stdout
    assert "Inputs and targets: 1, 1 -&gt; 0; 0, 1 -&gt; 1; 1, 0 -&gt; 1; 0, 0 -&gt; 0" in r.stdout
