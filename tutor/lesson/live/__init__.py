"""Live training without a screen, in small parts: the run and its rollback (run.py), what
the screen draws (frame.py), stuck runs and what to try (stuck.py), the learning rate,
momentum and speed keys (controls.py), the rate clock (clock.py), the curve and the path kept
within bounds (history.py), the source's figures at the end (final.py), runs side by side
(compare.py) and the error surface (surface.py). training_session.py puts them together.
"""
