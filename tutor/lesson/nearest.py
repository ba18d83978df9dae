"""The name a near miss most likely meant: `outh1` -> out_h1, `mazr` -> mazur.

One ranking for every "did you mean" (a name in an answer, an id in an exercise file, a
lesson or command on the command line). Names are compared by their skeleton: case,
underscores and other separators forgiven (`OUT_H1`, `outh1`, `out_h11` for out_h1_1).
A name with the same skeleton is the one meant. Otherwise the most similar skeleton
(difflib's ratio) wins: `outh1` is nearer out_h1_1 than out_h2_1, since the digit it keeps
is the layer's; between equally similar names, the one that keeps the digits typed (the
layer and the neuron), then the first in the order given (out_h1_1 before out_h1_2).
"""

from __future__ import annotations

import difflib
import re
from typing import Iterable

_SEPARATORS = re.compile(r"[\W_]+")


def skeleton(word: str) -> str:
    """A name without case or separators: out_H1 and outh1 are both outh1."""
    return _SEPARATORS.sub("", word).casefold()


def _digits(word: str) -> str:
    return "".join(c for c in word if c.isdigit())


def nearest(word: str, names: Iterable[str], *, n: int = 1, cutoff: float = 0.6) -> list[str]:
    """Up to n of `names` that `word` most likely meant, best first (none when nothing is
    similar enough: cutoff is difflib's ratio between the skeletons)."""
    names = list(dict.fromkeys(names))
    key, digits = skeleton(word), _digits(word)
    ranked = []
    for i, name in enumerate(names):
        other = skeleton(name)
        if other == key:
            ranked.append((-2.0, 0, i, name))
            continue
        ratio = difflib.SequenceMatcher(None, key, other).ratio()
        if ratio < cutoff:
            continue
        theirs = _digits(name)
        # the same digits; digits that begin the same (out_h1 for out_h1_1); others
        kept = 1 if theirs == digits else 2 if theirs.startswith(digits) or digits.startswith(theirs) else 3
        ranked.append((-ratio, kept, i, name))
    ranked.sort()
    return [name for *_, name in ranked[:n]]
