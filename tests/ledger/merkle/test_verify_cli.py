"""The verification command: python -m kenes.ledger.merkle.verify."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kenes.ledger.merkle import (
    Checkpoint,
    Ed25519Signer,
    MerkleTree,
    consistency_proof,
    format_verifier_key,
    generate_key,
    hash_leaf,
    inclusion_proof,
    sign_checkpoint,
)
from kenes.ledger.merkle.verify import main

ORIGIN = "kenes.example/ledger"
SRC = Path(__file__).resolve().parents[3] / "src"


@pytest.fixture
def log(tmp_path: Path) -> dict[str, object]:
    signer = Ed25519Signer(ORIGIN, Ed25519PrivateKey.generate())
    vkey = format_verifier_key(ORIGIN, signer.public_key)
    tree = MerkleTree(hash_leaf(f"leaf {i}".encode()) for i in range(100))

    def checkpoint(size: int) -> str:
        return sign_checkpoint(Checkpoint(ORIGIN, size, tree.root(size)), [signer])

    (tmp_path / "old.txt").write_text(checkpoint(37), encoding="utf-8")
    (tmp_path / "new.txt").write_text(checkpoint(100), encoding="utf-8")
    inc = {
        "leaf": b"leaf 12".hex(),
        "index": 12,
        "size": 100,
        "proof": [h.hex() for h in inclusion_proof(tree, 12, 100)],
        "checkpoint": checkpoint(100),
    }
    (tmp_path / "inc.json").write_text(json.dumps(inc), encoding="utf-8")
    con = {"size1": 37, "size2": 100, "proof": [h.hex() for h in consistency_proof(tree, 37, 100)]}
    (tmp_path / "con.json").write_text(json.dumps(con), encoding="utf-8")
    return {"vkey": vkey, "inc": inc, "con": con, "dir": tmp_path}


def _write(path: Path, doc: object) -> str:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return str(path)


def test_inclusion_ok(log: dict[str, object], capsys: pytest.CaptureFixture[str]) -> None:
    d = log["dir"]
    assert isinstance(d, Path)
    assert main(["inclusion", str(d / "inc.json"), "--key", str(log["vkey"])]) == 0
    assert "OK: leaf 12" in capsys.readouterr().out
    inc = dict(log["inc"])  # type: ignore[call-overload]
    del inc["leaf"]
    inc["leaf_hash"] = hash_leaf(b"leaf 12").hex()
    assert (
        main(["inclusion", _write(d / "h.json", inc), "-k", str(log["vkey"]), "--origin", ORIGIN])
        == 0
    )


@pytest.mark.parametrize(
    "change",
    [
        {"index": 13},
        {"size": 99},
        {"leaf": "00"},
        {"proof": []},
        {"proof": ["zz"]},
        {"proof": "nope"},
        {"index": -1},
        {"index": "1"},
        {"checkpoint": "garbage"},
        {"leaf_hash": "00" * 32},
        {"checkpoint": None},
        {"size": True},
    ],
)
def test_inclusion_failures(
    log: dict[str, object], change: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    d = log["dir"]
    assert isinstance(d, Path)
    inc = {**log["inc"], **change}  # type: ignore[dict-item]
    assert main(["inclusion", _write(d / "bad.json", inc), "--key", str(log["vkey"])]) == 1
    err = capsys.readouterr().err
    assert err.startswith("FAILED:")
    assert "Traceback" not in err


def test_inclusion_wrong_key_and_origin(
    log: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    d = log["dir"]
    assert isinstance(d, Path)
    _, other = generate_key(ORIGIN)
    assert main(["inclusion", str(d / "inc.json"), "--key", other]) == 1
    assert main(["inclusion", str(d / "inc.json"), "--key", str(log["vkey"]), "--origin", "x"]) == 1
    assert main(["inclusion", str(d / "inc.json"), "--key", "not-a-key"]) == 1
    (d / "junk.json").write_text("{not json", encoding="utf-8")
    assert main(["inclusion", str(d / "junk.json"), "--key", str(log["vkey"])]) == 1
    (d / "list.json").write_text("[1, 2]", encoding="utf-8")
    assert main(["inclusion", str(d / "list.json"), "--key", str(log["vkey"])]) == 1
    (d / "bin.json").write_bytes(b"\xff\xfe")
    assert main(["inclusion", str(d / "bin.json"), "--key", str(log["vkey"])]) == 1
    assert main(["inclusion", str(d / "missing.json"), "--key", str(log["vkey"])]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_consistency(log: dict[str, object], capsys: pytest.CaptureFixture[str]) -> None:
    d = log["dir"]
    assert isinstance(d, Path)
    key = str(log["vkey"])
    old, new, con = str(d / "old.txt"), str(d / "new.txt"), str(d / "con.json")
    assert main(["consistency", old, new, con, "--key", key]) == 0
    assert "is consistent with size 37" in capsys.readouterr().out
    bare = _write(d / "bare.json", log["con"]["proof"])  # type: ignore[index]
    assert main(["consistency", old, new, bare, "--key", key]) == 0
    assert main(["consistency", new, old, con, "--key", key]) == 1
    assert main(["consistency", old, old, con, "--key", key]) == 1
    wrong_size = _write(d / "ws.json", {**log["con"], "size1": 36})  # type: ignore[dict-item]
    assert main(["consistency", old, new, wrong_size, "--key", key]) == 1
    bad = list(log["con"]["proof"])  # type: ignore[index]
    bad[0] = "00" * 32
    assert main(["consistency", old, new, _write(d / "b.json", {"proof": bad}), "--key", key]) == 1
    assert (
        main(["consistency", old, new, _write(d / "t.json", {"proof": bad[:-1]}), "--key", key])
        == 1
    )
    err = capsys.readouterr().err
    assert err.count("FAILED:") == 5
    assert "Traceback" not in err


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["inclusion", "x.json"]) == 2  # --key is required
    assert main(["--help"]) == 0
    assert "inclusion" in capsys.readouterr().out


def test_module_runs_without_django(log: dict[str, object]) -> None:
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(SRC)
    help_run = subprocess.run(
        [sys.executable, "-m", "kenes.ledger.merkle.verify", "--help"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert help_run.returncode == 0, help_run.stderr
    assert "consistency" in help_run.stdout
    d = log["dir"]
    assert isinstance(d, Path)
    code = (
        "import sys, runpy; sys.argv = ['verify', 'inclusion', sys.argv[1], '--key', "
        "sys.argv[2]]\ntry:\n    runpy.run_module('kenes.ledger.merkle.verify', "
        "run_name='__main__')\nexcept SystemExit as e:\n    assert e.code == 0, e.code\n"
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code, str(d / "inc.json"), str(log["vkey"])],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert "OK: leaf 12" in run.stdout
