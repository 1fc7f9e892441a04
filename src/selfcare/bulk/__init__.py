"""The bulk engine: the program's rules as one Ibis translation, run on DuckDB or Spark.

The engines compute facts (who enrolled when, which contact counted, where each streak
window ended, which bonuses fell due); `assemble` turns each customer's facts into the same
`CustomerProgress` the reference evaluator builds, with the domain's own text functions, so
`selfcare evaluate --engine duckdb|spark` prints byte for byte what `--engine python` prints.
"""
