"""The README read literally: every `sh` block, in order, in one bash session, in a fresh
folder with a fresh database, exactly as a newcomer pastes them into a terminal.

What the test fills in, and only this:
- ports: 8900 (charging) and 8000 (API) become free ports, so parallel runs never collide;
  `SELFCARE_CHARGING_URL` points at the moved charging port (the README relies on the
  default, which is 8900);
- the two long-running commands ("runs until Ctrl-C", terminals 1 and 2) start in the
  background and the script waits until they answer; they are stopped at the end;
- `make install` and `make test` are skipped (the test runs inside the installed `.venv`,
  and `make test` is this very suite); `make demo` runs what the target runs;
- a `selfcare relay` without `--drain` (it runs until stopped) runs in the background too;
- `selfcare` is a shell function that hands each command to a warm parent process
  (warm_selfcare.py: selfcare imported once, a forked child per command with the
  command's argv, folder, environment and streams), since a cold start costs about a
  second of imports per command; the long-running commands start cold from
  `.venv/bin/selfcare`, so the console script itself runs too.
The folder holds the repository's `examples/` and `.venv` as links, nothing else.

The reference sections moved out of the README into docs/ go on in the same session, after
the README's blocks, in the order of `MOVED_PAGES` (their blocks use the README's database,
`$KEY`, `$API` and the servers still running).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

ROOT = Path(__file__).parents[2]
BLOCK = re.compile(r"^(?P<indent>[ ]*)```sh\n(?P<body>.*?)^(?P=indent)```", re.M | re.S)
LONG_RUNNING = re.compile(r"^selfcare (serve|fake-charging)\b")
BACKGROUND = re.compile(r"^selfcare relay\b(?!.*--drain)")
WARM = Path(__file__).with_name("warm_selfcare.py")
SKIPPED = {"make install", "make test"}
MOVED_PAGES = ["bulk", "speedcheck", "console", "pilot", "security", "benchmarks", "layout"]
PRELUDE = """set -euo pipefail
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT
selfcare() { "$WARM_PYTHON" -S -E "$WARM_SCRIPT" "$WARM_SOCKET" "$@"; }
wait_http() {
  for _ in $(seq 600); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done
  echo "did not answer: $1" >&2; return 1
}
"""


def sh_blocks(markdown: str) -> list[str]:
    """The `sh` blocks of a Markdown text, in order, with a list item's indent removed."""
    blocks = []
    for match in BLOCK.finditer(markdown):
        indent = len(match["indent"])
        blocks.append("".join(line[indent:] for line in match["body"].splitlines(True)))
    return blocks


def session_blocks() -> list[str]:
    """The README's `sh` blocks, then those of each moved docs page, in that order."""
    pages = [ROOT / "README.md", *(ROOT / "docs" / f"{name}.md" for name in MOVED_PAGES)]
    return [block for page in pages for block in sh_blocks(page.read_text(encoding="utf-8"))]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def script(blocks: list[str], charging: int, api: int) -> str:
    """One bash script of all blocks with ports moved and servers in the background."""
    lines = [PRELUDE]
    for number, block in enumerate(blocks, start=1):
        lines.append(f"echo '### README block {number}'")
        text = block.replace("8900", str(charging)).replace("127.0.0.1:8000", f"127.0.0.1:{api}")
        lines.extend(_line(line, charging, api) for line in text.splitlines())
    return "\n".join(lines) + "\n"


def _line(line: str, charging: int, api: int) -> str:
    command = line.split("#", 1)[0].strip()
    if command in SKIPPED:
        return f": skipped by the test: {command}"
    if command == "make demo":  # a small pilot: the 6,000-customer one is the demo's, not CI's
        return "selfcare demo --pilot-customers 400"
    if BACKGROUND.match(command):
        return f"{command} >relay.log 2>&1 &"
    if LONG_RUNNING.match(command):
        name = command.split()[1]
        port, url = (
            (api, f"http://127.0.0.1:{api}/health")
            if name == "serve"
            else (
                charging,
                f"http://127.0.0.1:{charging}/health",
            )
        )
        extra = f" --port {port}" if "--port" not in command else ""
        return f"command {command}{extra} >{name}.log 2>&1 &\nwait_http {url}"
    return line


@contextmanager
def warm_selfcare(folder: Path, env: dict[str, str]) -> Iterator[dict[str, str]]:
    """The warm parent, running until the block ends; the variables its shell function
    needs."""
    socket_path = folder / "warm.sock"
    errors = folder / "warm.log"
    with (
        errors.open("w") as log,
        subprocess.Popen(
            [sys.executable, str(WARM), "serve", str(socket_path)],
            cwd=folder,
            env=env,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        ) as parent,
    ):
        try:
            assert parent.stdout is not None
            assert parent.stdout.readline() == "ready\n", errors.read_text()
            yield {
                "WARM_PYTHON": sys.executable,
                "WARM_SCRIPT": str(WARM),
                "WARM_SOCKET": str(socket_path),
            }
        finally:
            parent.kill()


def test_the_readme_blocks_all_run_in_order_on_a_fresh_database(tmp_path: Path) -> None:
    blocks = session_blocks()
    assert len(blocks) >= 10, "the README lost its shell blocks"
    (tmp_path / "examples").symlink_to(ROOT / "examples")
    (tmp_path / ".venv").symlink_to(Path(sys.prefix))
    charging, api = free_port(), free_port()
    (tmp_path / "readme.sh").write_text(script(blocks, charging, api), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SELFCARE_")}
    env |= {"SELFCARE_CHARGING_URL": f"http://127.0.0.1:{charging}"}
    with warm_selfcare(tmp_path, env) as warm:
        done = subprocess.run(
            ["bash", "readme.sh"],
            cwd=tmp_path,
            env=env | warm,
            capture_output=True,
            text=True,
            timeout=240,
            check=False,
        )
    logs = "".join(f"\n--- {p.name}\n{p.read_text()}" for p in tmp_path.glob("*.log"))
    assert done.returncode == 0, f"{done.stdout[-4000:]}\n{done.stderr[-4000:]}{logs[-3000:]}"
    out = done.stdout
    assert '"status":"created","grants":1' in out  # the portal bonus of customer 4711
    assert '"amount":600' in out  # ... arrived at the charging system
    assert "no differences" in out  # reconcile after the relay drained
    assert '"left_total_mb"' in out  # the budget block
    assert '"max_kbps":100000' in out  # the speed-check contract, set and read back
    assert (tmp_path / "selfcare-demo" / "report.html").is_file()
    assert (tmp_path / "program.schema.json").stat().st_size > 1000


def test_sh_blocks_are_found_also_inside_list_items() -> None:
    text = "a\n```sh\necho 1\n```\n1. item\n   ```sh\n   echo 2\n   ```\n```text\nno\n```\n"
    assert sh_blocks(text) == ["echo 1\n", "echo 2\n"]


def test_every_moved_page_exists_and_the_session_runs_their_blocks() -> None:
    readme = sh_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    blocks = session_blocks()
    assert blocks[: len(readme)] == readme
    for name in MOVED_PAGES:
        assert (ROOT / "docs" / f"{name}.md").is_file(), name
    assert any("selfcare operator create" in block for block in blocks[len(readme) :])
