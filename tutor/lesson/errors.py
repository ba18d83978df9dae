"""The one-line error of a wrong exercise file, in a module of its own: the command line
catches it without importing the exercise reader (and NumPy under it), so that
`bptutor EXERCISE` starts its screen before anything slow is imported."""

from __future__ import annotations


class ExerciseError(Exception):
    """A problem with an exercise file, said in one line."""

    def __init__(self, path: str, key: str, problem: str):
        self.path, self.key, self.problem = path, key, problem
        super().__init__(f"{path}: {key}: {problem}" if key else f"{path}: {problem}")
