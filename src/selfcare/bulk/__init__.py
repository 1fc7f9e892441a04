"""The rules over millions of customers: Ibis expressions for DuckDB (and Spark)."""
