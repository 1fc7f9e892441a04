"""The demo: the whole story of the real case on embedded defaults, ending in a report."""
