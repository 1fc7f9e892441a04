"""The Spark session the bulk engine runs on: local by default, a cluster by its URL.

On a cluster only the driver imports selfcare (installed from the wheel, see README): the
translation is plain Spark SQL, so the executors run no selfcare code.
"""

from __future__ import annotations

import os
from typing import Any

DEFAULT_MASTER = "local[2]"
LOCAL_PARTITIONS = "8"


def session(master: str | None = None) -> Any:
    """A SparkSession in UTC: local by default (few shuffle partitions), the cluster at
    `master`, or whatever spark-submit chose."""
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("selfcare-bulk")
    chosen = master or os.environ.get("SELFCARE_SPARK_MASTER")
    partitions = os.environ.get("SELFCARE_SPARK_PARTITIONS")
    if chosen:
        builder = builder.master(chosen)
    elif not _submitted():
        builder = builder.master(DEFAULT_MASTER)
        partitions = partitions or LOCAL_PARTITIONS
    if partitions:  # else the cluster's own setting (spark-submit --conf) stands
        builder = builder.config("spark.sql.shuffle.partitions", partitions)
    return (
        builder.config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.ansi.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .getOrCreate()
    )


def _submitted() -> bool:
    """Whether spark-submit started us: it launched the JVM, with its --master, and left
    the gateway's port for the driver."""
    return "PYSPARK_GATEWAY_PORT" in os.environ
