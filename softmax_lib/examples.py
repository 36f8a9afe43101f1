"""The running example shared by several lessons: one photo, three classes."""

ANIMALS = ("cat", "dog", "bird")
LOGITS = (2.0, 1.0, 0.1)
