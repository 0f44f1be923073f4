"""The project is self-contained: no module, test, script or build file names a path outside
the repository root. (CI also runs the whole suite from a copy of the repository with nothing
beside it: see .ci/run.)"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# Text that reaches outside the root: a sibling folder, an upward relative path, a parent of
# the project root, or a path on this machine written out in full.
OUTSIDE = [
    (re.compile(r"\.\./"), "an upward relative path (../)"),
    (re.compile(r"""["']\.\.["']"""), "an upward path part ('..')"),
    (re.compile(r"\b(?:ROOT|PROJECT_ROOT)\.parents?\b"), "a parent of the project root"),
    (re.compile(r"\.parent\.parent"), "a parent's parent"),
    (re.compile(r"/work/|/home/|/Users/"), "a path on one machine"),
    (re.compile(r"shared/(?:reference-data|strategy)|['\"]shared['\"]"), "the sibling shared/"),
]
SCANNED_SUFFIXES = {".py", ".toml", ".cfg", ".ini", ".sh", ".yml", ".yaml"}
SCANNED_NAMES = {"Makefile", "run"}  # .ci/run


def _tracked_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    names = listed.stdout.splitlines() if listed.returncode == 0 else []
    if not names:  # not a git checkout (e.g. an unpacked archive): every file under the root
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file()]
    skip = (".venv/", ".tools/", ".git/", "var/", "benchmarks/out/")
    return [
        ROOT / n
        for n in names
        if not n.startswith(skip)
        and (Path(n).suffix in SCANNED_SUFFIXES or Path(n).name in SCANNED_NAMES)
        and n != "uv.lock"
    ]


FILES = _tracked_files()


def test_the_scan_covers_the_code_the_tests_and_the_scripts() -> None:
    scanned = {str(p.relative_to(ROOT)) for p in FILES}
    assert {"metrics/api.py", "seed_data/generate.py", "tests/conftest.py", "Makefile",
            ".ci/run", "benchmarks/run.py"} <= scanned  # fmt: skip


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_file_names_a_path_outside_the_project(path: Path) -> None:
    if path == Path(__file__).resolve():
        return  # this file spells the patterns out
    text = path.read_text(encoding="utf-8", errors="replace")
    found = [
        f"line {text.count(chr(10), 0, m.start()) + 1}: {what}: {m.group(0)!r}"
        for pattern, what in OUTSIDE
        for m in pattern.finditer(text)
    ]
    assert found == []


_PARENTS = re.compile(r"Path\(__file__\)(?:\.resolve\(\))?\.parents\[(\d+)\]")


@pytest.mark.parametrize(
    "path", [p for p in FILES if p.suffix == ".py"], ids=lambda p: str(p.relative_to(ROOT))
)
def test_every_path_built_from_a_modules_own_place_stays_inside_the_root(path: Path) -> None:
    depth = len(path.relative_to(ROOT).parts) - 1  # folders between the root and the file
    for m in _PARENTS.finditer(path.read_text(encoding="utf-8")):
        assert int(m.group(1)) <= depth, m.group(0)  # parents[depth] is the root itself
