"""The pilot: random assignment, sample-size planning, simulation, evaluation and report.

Statistics here are pure numpy/scipy/pandas functions; the CLI (`selfcare pilot ...`) only
parses, calls one of them and renders.
"""
