"""The `kenes` command."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kenes.cli", *args], capture_output=True, text=True, timeout=120
    )


def test_hyphenated_operator_commands_are_found():
    result = run("import-draft", "--help")
    assert result.returncode == 0
    assert "--document" in result.stdout and "--version" in result.stdout


def test_verify_runs_without_django():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.modules['django'] = None; "
            "from kenes.cli import main; main(['kenes', 'verify', '--help'])",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "inclusion" in result.stdout


def test_analyze_runs_without_django_and_reports_bad_input(tmp_path):
    bad = tmp_path / "in.jsonl"
    bad.write_text('{"id": "1", "text": "Предлагаю продлить срок."}\n{not json\n')
    draft = tmp_path / "draft.json"
    draft.write_text(
        '{"title": "t", "sections": [{"number": "I", "title": "x", "articles": '
        '[{"number": "1", "text": "Срок консультаций."}]}]}'
    )
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; sys.modules['django'] = None; from kenes.cli import main; "
            f"main(['kenes', 'analyze', '--proposals', '{bad}', '--draft', '{draft}', "
            f"'--out', '{tmp_path / 'out'}', '--embedder', 'hashing'])",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "line 2" in result.stderr and "Traceback" not in result.stderr
