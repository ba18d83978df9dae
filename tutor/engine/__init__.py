"""The NumPy engine: networks, activations, losses, forward and backward passes, training.

Nothing here imports Textual, Rich or the lesson layer.
"""
