"""What `pip install .` installs: every package of the source tree and the files they read.

The tests import the source tree, so a package left out of pyproject.toml passes them all
and fails only in an installed bptutor (training once crashed so: tutor.lesson.live)."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]


def test_every_package_of_the_source_tree_is_installed():
    in_tree = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "tutor").rglob("__init__.py")
               if "__pycache__" not in p.parts}
    assert in_tree <= set(CONFIG["packages"]), sorted(in_tree - set(CONFIG["packages"]))


def test_every_data_file_the_packages_read_is_installed():
    data = CONFIG["package-data"]
    for path in (ROOT / "tutor").rglob("*"):
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts \
                and not path.name.endswith((".nbi", ".nbc")):
            package = ".".join(path.parent.relative_to(ROOT).parts)
            assert any(path.match(pattern) for pattern in data.get(package, [])), path
