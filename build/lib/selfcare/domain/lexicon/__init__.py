"""The German and English lexicon of exempt call topics: words, normalisation, reading."""
