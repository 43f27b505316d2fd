"""The `kenes` command."""

from __future__ import annotations

import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "kenes.cli", *args], capture_output=True,
                          text=True, timeout=120)


def test_hyphenated_operator_commands_are_found():
    result = run("import-draft", "--help")
    assert result.returncode == 0
    assert "--document" in result.stdout and "--version" in result.stdout


def test_verify_runs_without_django():
    result = subprocess.run(
        [sys.executable, "-c",
         "import sys; sys.modules['django'] = None; "
         "from kenes.cli import main; main(['kenes', 'verify', '--help'])"],
        capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "inclusion" in result.stdout
