"""The second, trained stage of call classification: a linear model over words and
character n-grams, read from a versioned JSON artefact by plain Python (no numpy)."""
