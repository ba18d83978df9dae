"""Imports point down only: engine (NumPy) <- lesson (no Textual) <- ui."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "tutor"


def imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            found.add(base)
    return found


@pytest.mark.parametrize("layer, forbidden", [
    ("engine", ("textual", "rich", "..lesson", "..ui", "tutor.lesson", "tutor.ui", ".lesson", ".ui")),
    ("lesson", ("textual", "rich", "..ui", "tutor.ui")),
])
def test_layer_does_not_import_upwards(layer, forbidden):
    for path in (ROOT / layer).glob("*.py"):
        for name in imports(path):
            assert not any(name == f or name.startswith(f + ".") for f in forbidden), (path.name, name)


def test_unit_tests_need_no_textual():
    """tests/unit checks the layers below the screens: nothing there runs the app, so a unit
    test that needs Textual belongs in tests/functional."""
    forbidden = ("textual", "rich", "tutor.ui", "tutor.room")
    for path in (ROOT.parent / "tests" / "unit").glob("*.py"):
        for name in imports(path):
            assert not any(name == f or name.startswith(f + ".") for f in forbidden), (path.name, name)


def test_home_screen_start_up_does_not_import_the_engine():
    """Start-up speed rests on this: the home screen needs only titles, so neither NumPy
    nor numba is imported until a lesson opens (timed in benchmarks/tutor_speed.py)."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from tutor.ui.app import BPTutorApp\n"
            "class FirstFrame(BPTutorApp):\n"
            "    def on_mount(self):\n"
            "        super().on_mount()\n"
            "        self.call_after_refresh(self.exit)\n"
            "FirstFrame().run(headless=True)\n"
            "print(sorted(m for m in ('numpy', 'numba', 'tutor.engine') if m in sys.modules))\n")
    # a new learner (the test's own empty store): the home screen, drawn
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip().splitlines()[-1] == "[]"
