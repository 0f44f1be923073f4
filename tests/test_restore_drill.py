"""README's restore drill, run exactly as written: the commands of its code block, on a copy of
the demo database as the live one and a new scratch database, each as an operator runs it."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from app_support import copy_database, seeded_template_fixture  # noqa: F401 (fixture)
from conftest import ROOT

DRILL = re.compile(r"\*\*Restore drill\*\*.*?```sh\n(.*?)```", re.DOTALL)


def drill_commands() -> list[str]:
    match = DRILL.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert match, "README.md has no restore drill"
    return [line for line in match.group(1).splitlines() if line and not line.startswith("#")]


def test_the_restore_drill_in_the_readme_works(seeded_template: Path, tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite3"
    copy_database(seeded_template, live)
    backups = tmp_path / "backups"
    backups.mkdir()
    env = os.environ | {
        "MEASURES_DATABASE_URL": f"sqlite:///{live}",
        "SCRATCH_URL": f"sqlite:///{tmp_path / 'scratch.sqlite3'}",
        "MEASURES_AUTH_MODE": "local",
    }
    commands = drill_commands()
    steps = [next(w for w in c.split() if w in ("export-db", "import-db", "doctor", "batches"))
             for c in commands]  # fmt: skip
    assert steps == ["export-db", "import-db", "doctor", "batches"]

    outputs = []
    for command in commands:
        words = shlex.split(command.replace("/backups/", f"{backups}/"))
        assert words[:3] == ["uv", "run", "python"]
        words = [sys.executable, *words[3:]]  # the project's own environment, as uv run gives
        words = [re.sub(r"\$(\w+)", lambda m: env[m.group(1)], w) for w in words]
        done = subprocess.run(words, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (command, done.stdout, done.stderr)
        outputs.append(done.stdout)

    export, imported, doctor, scratch_batches = outputs
    assert export.startswith("Wrote ") and "schema revision" in export
    assert imported.startswith("Imported ")
    assert "FAIL" not in doctor and doctor.startswith("OK    database: sqlite:///")
    live_batches = subprocess.run(
        [sys.executable, "-m", "metrics", "batches"], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=300, check=True,
    ).stdout  # fmt: skip
    assert scratch_batches == live_batches and "ehc_requests.csv" in live_batches
