"""A warm `selfcare` for the README test: one process imports selfcare once, then forks a
child per command that runs the console entry point with the caller's argv, working
folder, environment and standard streams, and reports its exit code.

Starting the command costs about a second of imports (SQLAlchemy, Alembic, Typer, the
domain); the README runs some 30 commands, so a cold start each dominated the test. The
child is the same `selfcare.cli.main` on the same arguments, streams (passed as file
descriptors over a Unix socket) and environment; what it does not share with a cold start
is only the import work. The two long-running commands (`serve`, `fake-charging`) still
start cold, from `.venv/bin/selfcare`, so the console script itself is exercised too.

    python tests/e2e/warm_selfcare.py serve SOCKET     # the warm parent; prints "ready"
    python -S -E tests/e2e/warm_selfcare.py SOCKET ARGS…  # one command (stdlib only)
"""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import signal
import socket
import struct
import sys
import traceback
from typing import Any

STREAMS = [0, 1, 2]
# Left out of the warm parent: the pilot's numeric stack starts BLAS threads on import,
# which a forked child must not inherit; no README shell block runs the pilot.
COLD_PACKAGES = ("selfcare.pilot",)


def _exact(conn: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = conn.recv(size - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def preload() -> None:
    """Import every selfcare module a command may import lazily (not the pilot)."""
    import selfcare

    for module in pkgutil.walk_packages(selfcare.__path__, "selfcare."):
        if not module.name.startswith(COLD_PACKAGES) and "migrations" not in module.name:
            importlib.import_module(module.name)


def serve(path: str) -> None:
    """Accept commands forever; each runs in a forked child."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    preload()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(path)
    listener.listen(16)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    sys.stdout.write("ready\n")
    sys.stdout.flush()
    while True:
        conn, _ = listener.accept()
        if os.fork() == 0:
            listener.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            _run(conn)
        conn.close()


def _run(conn: socket.socket) -> None:
    """In the child: take over the caller's streams, folder and environment; run main."""
    header, fds, _, _ = socket.recv_fds(conn, 4, len(STREAMS))
    request: dict[str, Any] = json.loads(_exact(conn, struct.unpack("!I", header)[0]))
    for fd, target in zip(fds, STREAMS, strict=True):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(request["cwd"])
    os.environ.clear()
    os.environ.update(request["env"])
    sys.argv = ["selfcare", *request["argv"]]
    conn.sendall(struct.pack("!i", os.getpid()))
    code = 1
    try:
        from selfcare.cli import main

        main()
        code = 0
    except SystemExit as exit_:
        code = _exit_code(exit_.code)
    except BaseException:  # noqa: BLE001 (a crash is reported like Python reports it)
        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        conn.sendall(struct.pack("!i", code))
        os._exit(code)


def _exit_code(code: object) -> int:
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write(f"{code}\n")
    return 1


def call(path: str, argv: list[str]) -> int:
    """In the caller: hand over argv, folder, environment and streams; wait for the code.
    A signal to the caller (Ctrl-C, kill) goes on to the child."""
    conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    conn.connect(path)
    body = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": dict(os.environ)}).encode()
    socket.send_fds(conn, [struct.pack("!I", len(body))], STREAMS)
    conn.sendall(body)
    child = struct.unpack("!i", _exact(conn, 4))[0]
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(number, lambda received, _: os.kill(child, received))
    try:
        return int(struct.unpack("!i", _exact(conn, 4))[0])
    except EOFError:
        return 1  # the child died without a word


if __name__ == "__main__":
    if sys.argv[1] == "serve":
        serve(sys.argv[2])
    else:
        sys.exit(call(sys.argv[1], sys.argv[2:]))
