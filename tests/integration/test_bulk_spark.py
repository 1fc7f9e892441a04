"""The Spark engine agrees with the reference evaluator: in local mode, and on a standalone
cluster (a master and one worker started on loopback from the scripts PySpark ships).

Few examples, each a batch of drawn histories in one DataFrame: a Spark run costs tens of
seconds on two cores, a customer in it almost nothing.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from selfcare.bulk.backends import Engine, connect
from selfcare.domain.events import Event
from tests.bulk_histories import PROGRAMS, as_of_days, batched, bulk_histories
from tests.bulk_support import assert_agrees

pytestmark = [
    pytest.mark.spark,
    pytest.mark.slow,
    # py4j leaves its gateway sockets to the garbage collector when a session stops
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
]

ONE_BATCH = settings(
    max_examples=1,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
batch = st.lists(bulk_histories(), min_size=20, max_size=40).map(batched)


def _spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for(port: int, process: subprocess.Popen[bytes], what: str) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the Spark {what} exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    pytest.fail(f"the Spark {what} did not listen on 127.0.0.1:{port}")


@pytest.fixture(scope="module")
def local_spark() -> Iterator[Engine]:
    engine = connect("spark", spark_master="local[2]")
    yield engine
    engine.session.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A standalone master and one worker (1 core, 1 GB) on loopback; yields its URL."""
    home = _spark_home()
    logs = tmp_path_factory.mktemp("spark")
    env = os.environ | {
        "SPARK_HOME": str(home),
        "SPARK_LOCAL_IP": "127.0.0.1",
        "SPARK_WORKER_DIR": str(logs / "work"),
        "PYSPARK_PYTHON": sys.executable,
    }
    spark_class = str(home / "bin" / "spark-class")
    port = _free_port()
    master_cmd = [spark_class, "org.apache.spark.deploy.master.Master"]
    master_cmd += ["--host", "127.0.0.1", "--port", str(port), "--webui-port", "0"]
    url = f"spark://127.0.0.1:{port}"
    worker_cmd = [spark_class, "org.apache.spark.deploy.worker.Worker", url]
    worker_cmd += ["--host", "127.0.0.1", "--cores", "1", "--memory", "1g", "--webui-port", "0"]
    with (logs / "master.log").open("wb") as master_log, (logs / "worker.log").open("wb") as w_log:
        master = subprocess.Popen(master_cmd, env=env, stdout=master_log, stderr=master_log)
        worker = None
        try:
            _wait_for(port, master, "master")
            worker = subprocess.Popen(worker_cmd, env=env, stdout=w_log, stderr=w_log)
            yield url
        finally:
            for process in (worker, master):
                if process is not None:
                    process.terminate()
                    process.wait(timeout=60)


@ONE_BATCH
@given(name=st.sampled_from(sorted(PROGRAMS)), events=batch, as_of=as_of_days())
def test_local_spark_agrees(
    local_spark: Engine, name: str, events: list[Event], as_of: date
) -> None:
    assert_agrees(local_spark, PROGRAMS[name], events, as_of)


def test_standalone_cluster_agrees(local_spark: Engine, cluster: str) -> None:
    """The same translation on a real cluster: the driver here, the work on the worker."""
    local_spark.session.stop()
    engine = connect("spark", spark_master=cluster)
    try:
        assert engine.session.sparkContext.master == cluster
        check = settings(ONE_BATCH)(given(events=batch, as_of=as_of_days())(_agrees_on(engine)))
        check()
    finally:
        engine.session.stop()


def _agrees_on(engine: Engine):  # type: ignore[no-untyped-def]
    def agrees(events: list[Event], as_of: date) -> None:
        assert_agrees(engine, PROGRAMS["real case"], events, as_of)

    return agrees
