"""Pedagogy: exercises, steps, answer checking, mistakes, progress. No Textual here."""
