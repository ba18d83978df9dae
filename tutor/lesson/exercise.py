"""Exercise files: TOML that describes a network, its data and how it is trained.

The format (pinned by issue 2; extend it, do not change it):

    title, summary
    [network]    sizes, activation, loss, bias, update_biases
    [parameters] weights, biases          (absent: a random start from the seed)
    [data]       inputs, targets
    [training]   learning_rate, iterations, mode, momentum, seed
    [reference]  source, and [[reference.figures]] with id, printed, after_iterations
    [lesson]     ask, show             (step ids; checked with the worked update, worked.py)
    [variants]   ranges of a learner's numbers

A file that is wrong in any way raises ExerciseError, whose text is one line:
"<file>: <key>: <problem>".
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..engine import activations, losses, naming
from ..engine.network import Network, check_combination
from ..engine.training import MODES, Settings
from .catalog import bundled, bundled_dir, nearest
from .errors import ExerciseError  # noqa: F401 (defined there, raised and caught as exercise.ExerciseError)
from .toml_errors import toml_problem

# What a file may hold at all; what a lesson may cost (its steps, its training) is
# bounds.py's, checked with the worked update.
MAX_LAYERS = 12          # input + hidden + output
MAX_NEURONS = 1024       # per layer
MAX_WEIGHTS = 2_000_000
MAX_SAMPLES = 1_000      # each is read, drawn for every learner's variant, and trained on
MAX_ITERATIONS = 10_000_000
MAX_FILE_BYTES = 20_000_000


@dataclass
class Figure:
    """A figure printed in the exercise's source, to compare with the engine."""
    id: str                 # a step id (net_h1, w5+, E_total+) or, after training, E_total, out_o1, w5
    printed: str            # the text as printed: "0.75136507"
    after_iterations: int = 0  # 0: a quantity of the update itself


@dataclass
class QuestionTest:
    """[[lesson.tests]]: an answer a teacher expects at a step, and how it must be judged
    (a mistake's name, "right", "wrong" or "more digits"): `bptutor check-exercise` types it in."""
    step: str
    answer: str
    expect: str


@dataclass
class Exercise:
    name: str
    path: Path
    title: str
    summary: str
    network: Network
    X: np.ndarray
    T: np.ndarray
    settings: Settings
    iterations: int
    seed: int
    random_start: bool
    source: str = ""
    figures: list[Figure] = field(default_factory=list)
    ask: list[str] | None = None   # [lesson].ask: the steps the learner computes (None: all)
    show: list[str] = field(default_factory=list)  # [lesson].show: steps given, not asked
    teaches: str = ""              # what the exercise teaches, in a sentence
    # [variants], per kind of number: (lo, hi) a range (lo == hi: one value), a list: values to choose
    # from; a kind not named stays as written. None: the file has no [variants] table
    variant_ranges: dict | None = None
    variant_step: float = 0.05
    tests: list[QuestionTest] = field(default_factory=list)


KEYS = {
    "": {"title", "summary", "teaches", "network", "parameters", "data", "training", "reference", "lesson",
         "variants"},
    "lesson": {"ask", "show", "tests"},
    "lesson.tests": {"step", "answer", "expect"},
    "variants": {"weights", "biases", "inputs", "targets", "learning_rate", "step"},
    "network": {"sizes", "activation", "loss", "bias", "update_biases"},
    "parameters": {"weights", "biases"},
    "data": {"inputs", "targets"},
    "training": {"learning_rate", "iterations", "mode", "momentum", "seed"},
    "reference": {"source", "figures"},
    "reference.figures": {"id", "printed", "after_iterations"},
}


def resolve(spec: str) -> Path:
    """A bundled name or a path to a file."""
    path = Path(spec)
    if path.is_file():
        return path
    looks_like_path = spec.endswith(".toml") or "/" in spec or "\\" in spec
    candidate = bundled_dir() / f"{spec}.toml"
    if not looks_like_path and candidate.is_file() and spec in bundled():  # not the bundled course.toml
        return candidate
    if path.is_dir():
        raise ExerciseError(spec, "", "is a directory, not an exercise file")
    if path.exists():
        raise ExerciseError(spec, "", "is not a file (an exercise is a .toml file)")
    if looks_like_path:
        raise ExerciseError(spec, "", "no such file")
    close = nearest(spec, bundled())
    raise ExerciseError(spec, "", "no such file and no bundled exercise of that name" + (
        f"; did you mean {close}?" if close else f" (bundled: {', '.join(bundled())})"))


def shown_name(path: Path) -> str:
    """How messages name an exercise's file: `mazur (mazur.toml)` for a bundled one."""
    return f"{path.stem} ({path.name})" if path.is_relative_to(bundled_dir()) else str(path)


def load(spec: str, seed: int | None = None) -> Exercise:
    path = resolve(spec)
    shown = shown_name(path)
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise ExerciseError(shown, "", f"cannot be read ({e.strerror})") from None
    if len(raw) > MAX_FILE_BYTES:
        raise ExerciseError(shown, "", f"is larger than {MAX_FILE_BYTES // 1_000_000} MB")
    if raw.startswith(b"\xef\xbb\xbf"):
        raise ExerciseError(shown, "", "starts with a byte-order mark (BOM), which TOML does not allow: "
                                       "save it as UTF-8 without BOM")
    try:
        text = raw.decode("utf-8")
        doc = tomllib.loads(text)
    except UnicodeDecodeError:
        raise ExerciseError(shown, "", "is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as e:
        raise ExerciseError(shown, "TOML", toml_problem(text, e)) from None
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise ExerciseError(shown, "TOML", "lists or tables nested too deeply to be read") from None
    return _Reader(shown, path).read(doc, seed)


class _Reader:
    def __init__(self, shown: str, path: Path):
        self.shown, self.path = shown, path

    def fail(self, key: str, problem: str):
        raise ExerciseError(self.shown, key, problem)

    # --- typed getters -------------------------------------------------------------
    def table(self, doc: dict, key: str, required: bool) -> dict:
        if key not in doc:
            if required:
                self.fail(f"[{key}]", "missing")
            return {}
        value = doc[key]
        if not isinstance(value, dict):
            self.fail(key, "must be a table ([" + key + "])")
        self.known(value, key)
        return value

    def known(self, table: dict, where: str) -> None:
        for key in table:
            if key not in KEYS[where]:
                choices = ", ".join(sorted(KEYS[where]))
                self.fail(f"{where}.{key}" if where else key, f"unknown key (known: {choices})")

    def number(self, value, key: str) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(key, f"must be a number, not {_kind(value)}")
        value = float(value)
        if not math.isfinite(value):
            self.fail(key, "must be a finite number (not nan or inf)")
        if abs(value) > 1e6:
            self.fail(key, "is too large to be sensible (more than 1e6 in size)")
        return value

    def integer(self, value, key: str, lo: int, hi: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail(key, f"must be a whole number, not {_kind(value)}")
        if not lo <= value <= hi:
            self.fail(key, f"must be between {lo} and {hi:,}, not {value:,}")
        return value

    def choice(self, value, key: str, choices) -> str:
        if not isinstance(value, str) or value not in choices:
            self.fail(key, f"must be one of {', '.join(choices)}, not {value!r}")
        return value

    def row(self, value, key: str, cols: int) -> list[float]:
        if not isinstance(value, list):
            self.fail(key, f"must be a list of {_count(cols, 'number')}")
        if len(value) != cols:
            self.fail(key, f"must have {_count(cols, 'number')}, not {len(value)}")
        return [self.number(v, f"{key}[{c}]") for c, v in enumerate(value)]

    def matrix(self, value, key: str, rows: int | None, cols: int) -> np.ndarray:
        if not isinstance(value, list) or not value:
            self.fail(key, "must be a non-empty list of rows")
        if rows is not None and len(value) != rows:
            self.fail(key, f"must have {_count(rows, 'row')}, not {len(value)}")
        return np.array([self.row(r, f"{key}[{i}]", cols) for i, r in enumerate(value)], dtype=float)

    # --- the file -----------------------------------------------------------------
    def read(self, doc: dict, seed: int | None) -> Exercise:
        self.known(doc, "")
        title = doc.get("title")
        if not isinstance(title, str) or not title.strip():
            self.fail("title", "missing (a line naming the exercise)")
        summary = doc.get("summary", "")
        if not isinstance(summary, str):
            self.fail("summary", "must be text")

        nw = self.table(doc, "network", True)
        if "sizes" not in nw:
            self.fail("network.sizes", "missing (e.g. [2, 2, 2]: input, hidden..., output)")
        sizes = nw["sizes"]
        if not isinstance(sizes, list) or not 2 <= len(sizes) <= MAX_LAYERS:
            self.fail("network.sizes", f"must be a list of 2 to {MAX_LAYERS} layer sizes")
        sizes = tuple(self.integer(n, f"network.sizes[{i}]", 1, MAX_NEURONS) for i, n in enumerate(sizes))
        n_layers = len(sizes) - 1
        act = nw.get("activation", "sigmoid")
        if isinstance(act, str):
            acts = (self.choice(act, "network.activation", activations.NAMES),) * n_layers
            if act == "softmax" and n_layers > 1:
                self.fail("network.activation", "softmax is only for the output layer; give a list, "
                          "one per layer, e.g. [\"sigmoid\", \"softmax\"]")
        elif isinstance(act, list):
            if len(act) != n_layers:
                self.fail("network.activation", f"needs one name per layer after the input ({n_layers}), "
                          f"not {len(act)}")
            acts = tuple(self.choice(a, f"network.activation[{i}]", activations.NAMES) for i, a in enumerate(act))
        else:
            self.fail("network.activation", "must be a name or a list of names")
        loss = self.choice(nw.get("loss", "half_sse"), "network.loss", losses.NAMES)
        bias = self.choice(nw.get("bias", "shared"), "network.bias", naming.BIAS_MODES)
        update_biases = nw.get("update_biases", False)
        if not isinstance(update_biases, bool):
            self.fail("network.update_biases", "must be true or false")
        problem = check_combination(acts, loss)
        if problem:
            self.fail("network", problem)

        tr = self.table(doc, "training", False)
        lr = self.number(tr.get("learning_rate", 0.5), "training.learning_rate")
        if lr <= 0:
            self.fail("training.learning_rate", "must be greater than 0")
        iterations = self.integer(tr.get("iterations", 10_000), "training.iterations", 1, MAX_ITERATIONS)
        mode = self.choice(tr.get("mode", "online"), "training.mode", MODES)
        momentum = self.number(tr.get("momentum", 0.0), "training.momentum")
        if not 0 <= momentum < 1:
            self.fail("training.momentum", "must be at least 0 and below 1")
        file_seed = self.integer(tr.get("seed", 0), "training.seed", 0, 2**63 - 1)
        seed = file_seed if seed is None else seed

        data = self.table(doc, "data", True)
        for key in ("inputs", "targets"):
            if key not in data:
                self.fail(f"data.{key}", "missing (a row per sample)")
        if isinstance(data["inputs"], list) and len(data["inputs"]) > MAX_SAMPLES:
            self.fail("data.inputs", f"has {len(data['inputs']):,} samples, more than the {MAX_SAMPLES:,} "
                      "an exercise may have: every learner's numbers are drawn for each, and every "
                      "training iteration passes over them all")
        X = self.matrix(data["inputs"], "data.inputs", None, sizes[0])
        T = self.matrix(data["targets"], "data.targets", len(X), sizes[-1])
        if loss == "cross_entropy" and (np.any(T < 0) or np.any(T > 1)):
            self.fail("data.targets", "cross_entropy needs targets between 0 and 1")
        if acts[-1] == "softmax":  # the node delta out - target holds only for targets that sum to 1
            for n, row in enumerate(T):
                if abs(float(row.sum()) - 1.0) > 1e-9:
                    self.fail(f"data.targets[{n}]", f"softmax targets are a distribution: they must add up to 1, "
                              f"not {float(row.sum()):g}")

        n_weights = sum(a * b for a, b in zip(sizes, sizes[1:]))
        if n_weights > MAX_WEIGHTS:  # said before any array of that size is made
            self.fail("network.sizes", f"gives {n_weights:,} weights, too many to be sensible")
        params = self.table(doc, "parameters", False)
        if params:
            net = self.parameters(params, sizes, acts, loss, bias)
            random_start = False
        else:
            net = Network.random(sizes, acts, loss, bias, seed)
            random_start = True

        settings = Settings(learning_rate=lr, mode=mode, momentum=momentum, update_biases=update_biases)
        source, figures = self.reference(doc, net)
        teaches = doc.get("teaches", "")
        if not isinstance(teaches, str):
            self.fail("teaches", "must be text")
        ranges, step = self.variants(doc, acts, loss)
        lesson = self.table(doc, "lesson", False)
        ask = self.ids(lesson, "ask") if "ask" in lesson else None
        show = self.ids(lesson, "show") if "show" in lesson else []
        tests = self.tests(lesson.get("tests", []))
        return Exercise(name=self.path.stem, path=self.path, title=title.strip(), summary=summary.strip(),
                        network=net, X=X, T=T, settings=settings, iterations=iterations, seed=seed,
                        random_start=random_start, source=source, figures=figures, ask=ask, show=show,
                        teaches=teaches.strip(), variant_ranges=ranges, variant_step=step, tests=tests)

    def variants(self, doc: dict, acts, loss) -> tuple[dict | None, float]:
        """[variants]: per kind of number, a range [lo, hi], one value, or {one_of = [...]}."""
        if "variants" not in doc:
            return None, 0.05
        table = self.table(doc, "variants", False)
        ranges: dict = {}
        for key in ("weights", "biases", "inputs", "targets", "learning_rate"):
            if key not in table:
                continue
            where, spec = f"variants.{key}", table[key]
            if isinstance(spec, dict) and set(spec) == {"one_of"} and isinstance(spec["one_of"], list) \
                    and spec["one_of"]:
                values = [self.number(v, f"{where}.one_of") for v in spec["one_of"]]
                lo, hi = min(values), max(values)
                ranges[key] = values
            elif isinstance(spec, list) and len(spec) == 2:
                lo, hi = (self.number(v, where) for v in spec)
                if lo > hi:
                    self.fail(where, "the lowest must not be above the highest")
                ranges[key] = (lo, hi)
            elif isinstance(spec, (int, float)) and not isinstance(spec, bool):
                lo = hi = self.number(spec, where)
                ranges[key] = (lo, hi)
            else:
                self.fail(where, "must be [lowest, highest], one number, or { one_of = [a, b, ...] }")
            if key == "learning_rate" and lo <= 0:
                self.fail(where, "learning rates must be greater than 0")
            if key == "targets" and acts[-1] == "softmax":
                self.fail(where, "softmax targets are a distribution and stay as written")
            if key == "targets" and loss == "cross_entropy" and not (0 <= lo and hi <= 1):
                self.fail(where, "cross_entropy needs targets between 0 and 1")
        step = self.number(table.get("step", 0.05), "variants.step")
        if not 0 < step <= 1:
            self.fail("variants.step", "must be greater than 0 and at most 1")
        return ranges, step

    def tests(self, items) -> list[QuestionTest]:
        if not isinstance(items, list):
            self.fail("lesson.tests", "must be an array of tables ([[lesson.tests]])")
        out = []
        for i, t in enumerate(items):
            key = f"lesson.tests[{i}]"
            if not isinstance(t, dict):
                self.fail(key, "must be a table with step, answer and expect")
            self.known(t, "lesson.tests")
            for k in ("step", "answer", "expect"):
                v = t.get(k)
                if isinstance(v, (int, float)) and not isinstance(v, bool) and k == "answer":
                    v = repr(v)
                if not isinstance(v, str) or not v.strip():
                    self.fail(f"{key}.{k}", "missing (text)")
                t = {**t, k: v.strip()}
            out.append(QuestionTest(t["step"], t["answer"], t["expect"]))
        return out

    def ids(self, table: dict, key: str) -> list[str]:
        value = table[key]
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(f"lesson.{key}", "must be a list of step ids, such as [\"net_h1\", \"w5+\"]")
        if key == "ask" and not value:
            self.fail("lesson.ask", "asks nothing: name at least one step, or leave ask out to ask them all")
        return [v.strip() for v in value]

    def parameters(self, params: dict, sizes, acts, loss, bias) -> Network:
        if "weights" not in params:
            self.fail("parameters.weights", "missing (per layer: rows to-neuron, columns from-neuron)")
        weights = params["weights"]
        n_layers = len(sizes) - 1
        if not isinstance(weights, list) or len(weights) != n_layers:
            self.fail("parameters.weights", f"must hold {_count(n_layers, 'layer')} of weights, one per layer "
                      "after the input")
        theta = []
        for l, layer in enumerate(weights):
            W = self.matrix(layer, f"parameters.weights[{l}]", sizes[l + 1], sizes[l])
            theta.extend(W.reshape(-1))
        biases = params.get("biases")
        if bias == "none":
            if biases is not None:
                self.fail("parameters.biases", "given, but network.bias is \"none\"")
        else:
            if biases is None:
                self.fail("parameters.biases", f"missing (network.bias is \"{bias}\")")
            if not isinstance(biases, list) or len(biases) != n_layers:
                self.fail("parameters.biases", f"must hold {_count(n_layers, 'entry', 'entries')}, one per layer "
                          "after the input")
            for l, b in enumerate(biases):
                key = f"parameters.biases[{l}]"
                if bias == "shared":
                    if isinstance(b, list):
                        self.fail(key, "must be one number (network.bias is \"shared\")")
                    theta.append(self.number(b, key))
                else:
                    theta.extend(self.row(b, key, sizes[l + 1]))
        return Network(sizes, acts, loss, bias, np.array(theta))

    def reference(self, doc: dict, net: Network) -> tuple[str, list[Figure]]:
        ref = self.table(doc, "reference", False)
        if not ref:
            return "", []
        source = ref.get("source", "")
        if not isinstance(source, str):
            self.fail("reference.source", "must be text")
        figures = ref.get("figures", [])
        if not isinstance(figures, list):
            self.fail("reference.figures", "must be an array of tables ([[reference.figures]])")
        out = []
        for i, f in enumerate(figures):
            key = f"reference.figures[{i}]"
            if not isinstance(f, dict):
                self.fail(key, "must be a table with id and printed")
            self.known(f, "reference.figures")
            for k in ("id", "printed"):
                if not isinstance(f.get(k), str) or not f[k].strip():
                    self.fail(f"{key}.{k}", "missing (text)")
            try:
                value = float(f["printed"])
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                self.fail(f"{key}.printed", f"{f['printed']!r} is not a number as printed")
            # absent: a quantity of the update; given: the figure after that many updates
            after = (self.integer(f["after_iterations"], f"{key}.after_iterations", 1, MAX_ITERATIONS)
                     if "after_iterations" in f else 0)
            out.append(Figure(f["id"].strip(), f["printed"].strip(), after))
        return source, out


def _count(n: int, one: str, many: str = "") -> str:
    """1 number, 2 numbers."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f"text {value!r}"[:40]
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__
