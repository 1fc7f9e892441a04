"""The Spark session the bulk engine runs on: local by default, a cluster by its URL.

On a cluster only the driver imports selfcare (installed from the wheel, see README): the
translation is plain Spark SQL, so the executors run no selfcare code.
"""

from __future__ import annotations

import os
from typing import Any

DEFAULT_MASTER = "local[2]"


def session(master: str | None = None) -> Any:
    """A SparkSession in UTC with few shuffle partitions (a nightly run sets its own)."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("selfcare-bulk")
    chosen = master or os.environ.get("SELFCARE_SPARK_MASTER")
    if chosen:
        builder = builder.master(chosen)
    elif not _submitted():
        builder = builder.master(DEFAULT_MASTER)
    partitions = os.environ.get("SELFCARE_SPARK_PARTITIONS", "8")
    return (
        builder.config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", partitions)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.ansi.enabled", "false")
        .getOrCreate()
    )


def _submitted() -> bool:
    """Whether spark-submit started us (it passes --master to the JVM it launched)."""
    from pyspark import SparkConf

    return SparkConf().contains("spark.master")
