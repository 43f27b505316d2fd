"""Two witnesses in the demo and tests; `kenes verify receipt` counts cosignatures and fails
below --min-witnesses; the signing key stays with the sequencer (issue #10, item 6)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from kenes.core.seeding import SeedContext
from kenes.ledger import local_witness, signing
from kenes.ledger.merkle import generate_key
from kenes.ledger.merkle.receipt import ReceiptInput, verify_receipt
from kenes.ledger.merkle.verify import main
from kenes.ledger.models import Checkpoint, Cosignature, Witness
from kenes.ledger.services import TREE, ledger_append, ledger_sequence

pytestmark = pytest.mark.django_db(transaction=True)

TEXT = "Предлагаю продлить срок общественного обсуждения до девяноста дней."


@pytest.fixture(autouse=True)
def data_dir(tmp_path, settings):
    """Each test has its own KENES_DATA_DIR (witness keys, the log key, its public key)."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    signing.signer.cache_clear()  # type: ignore[attr-defined]
    TREE.reset()
    yield settings.DATA_DIR
    signing.signer.cache_clear()  # type: ignore[attr-defined]
    signing._SIGNING_ALLOWED = False
    TREE.reset()


@pytest.fixture
def mine(submit):
    result = submit(text=TEXT)
    ledger_sequence()
    return result


def _export(tmp_path: Path) -> Path:
    directory = tmp_path / "export"
    call_command("ledger", "export", str(directory))
    return directory


def _verify(capsys, mine, where, *extra: str) -> tuple[int, str]:
    status = main(
        [
            "receipt",
            "--code",
            mine.proposal.code,
            "--secret",
            mine.secret,
            "--text",
            TEXT,
            "--log",
            str(where),
            "--log-key",
            str(Path(where) / "key"),
            *extra,
        ]
    )
    out = capsys.readouterr()
    return status, out.out + out.err


def test_two_demo_witnesses_cosign_and_verify_counts_them(mine, data_dir, tmp_path, capsys):
    witnesses = local_witness.demo_witnesses_ensure()
    assert [w.name for w in witnesses] == list(local_witness.DEMO_WITNESSES)
    for name in local_witness.DEMO_WITNESSES:
        key = data_dir / "witnesses" / f"{name}.key"
        assert key.stat().st_mode & 0o777 == 0o600
    local_witness.cosign_local()
    latest = Checkpoint.objects.order_by("-size").first()
    assert Cosignature.objects.filter(checkpoint=latest).count() == 2
    exported = _export(tmp_path)
    status, out = _verify(capsys, mine, exported)
    assert status == 0, out
    assert "2 of 2 witnesses cosigned the checkpoint (at least 1 required)" in out
    status, out = _verify(capsys, mine, exported, "--min-witnesses", "3")
    assert status == 1 and "only 2 of 2 witnesses" in out and "verification FAILED" in out


def test_an_uncosigned_checkpoint_fails_by_default_when_witnesses_are_published(
    submit, mine, tmp_path, capsys
):
    local_witness.demo_witnesses_ensure()
    local_witness.cosign_local()
    submit(text="Ещё одно предложение о сроках обсуждения статьи.")
    ledger_sequence()  # a new checkpoint no witness has seen yet
    exported = _export(tmp_path)
    status, out = _verify(capsys, mine, exported)
    assert status == 1 and "only 0 of 2 witnesses" in out
    assert _verify(capsys, mine, exported, "--min-witnesses", "0")[0] == 0
    # after the witnesses' next round it passes again
    local_witness.cosign_local()
    status, out = _verify(capsys, mine, _export(tmp_path / "again"))
    assert status == 0 and "2 of 2 witnesses" in out


def test_pinned_witness_keys_and_a_stranger(mine, data_dir, tmp_path, capsys):
    local_witness.demo_witnesses_ensure()
    local_witness.cosign_local()
    exported = _export(tmp_path)
    one = (data_dir / "witnesses" / f"{local_witness.DEMO_WITNESSES[0]}.vkey").read_text()
    status, out = _verify(capsys, mine, exported, "--witness-key", one.strip())
    assert status == 0 and "1 of 1 witnesses" in out and "taken from the log" not in out
    _skey, stranger = generate_key("stranger.example", 0x04)
    status, out = _verify(capsys, mine, exported, "--witness-key", stranger, "--min-witnesses", "1")
    assert status == 1 and "only 0 of 1" in out
    status, out = _verify(capsys, mine, exported, "--witness-key", _skey_vkey_of_log())
    assert status == 1 and "not a witness" in out


def _skey_vkey_of_log() -> str:
    return signing.vkey()


def test_a_log_without_witnesses_says_so_and_a_minimum_fails(mine, tmp_path, capsys):
    exported = _export(tmp_path)
    status, out = _verify(capsys, mine, exported)
    assert status == 0 and "publishes no witnesses" in out
    status, out = _verify(capsys, mine, exported, "--min-witnesses", "1")
    assert status == 1 and "only 0 of 0" in out
    status, out = _verify(capsys, mine, exported, "--min-witnesses", "-1")
    assert status == 2


def test_live_log_publishes_witnesses(live_server, mine, capsys):
    local_witness.demo_witnesses_ensure()
    local_witness.cosign_local()
    from kenes.ledger.merkle.sources import HttpLogSource

    report = verify_receipt(
        HttpLogSource(live_server.url),
        ReceiptInput(mine.proposal.code, mine.secret, TEXT),
        log_key=signing.vkey(),
    )
    witnesses = next(c for c in report.checks if c.id == "witnesses")
    assert witnesses.ok and witnesses.params["count"] == 2


def test_demo_seed_registers_two_witnesses_and_cosigns(submit, capsys):
    from kenes.ledger.seed import seed

    submit(text=TEXT)
    ctx = SeedContext()
    seed(ctx)
    assert any("cosigned" in line for line in ctx.report)
    assert Witness.objects.count() == 2
    latest = Checkpoint.objects.order_by("-size").first()
    assert Cosignature.objects.filter(checkpoint=latest).count() == 2


# --------------------------------------------------------------------------- key separation


def test_sequencer_only_web_process_never_opens_the_signing_key(client, submit, data_dir):
    # The sequencer signs once (and publishes the public key beside the data).
    signing.allow_signing()
    submit(text=TEXT)
    ledger_sequence()
    vkey = signing.vkey()
    assert (data_dir / "ledger_vkey").read_text().strip() == vkey
    # Now the web process: it may not sign, and does not read the private key file.
    signing._SIGNING_ALLOWED = False
    signing.signer.cache_clear()  # type: ignore[attr-defined]
    (data_dir / "ledger_key").rename(data_dir / "ledger_key.elsewhere")
    with override_settings(KENES_LEDGER_SIGNING="sequencer-only", KENES_LEDGER_AUTOSEQUENCE=True):
        with pytest.raises(signing.SigningRefused):
            signing.signer()
        response = client.get(reverse("api-1:ledger_key"))
        assert response.status_code == 200 and response.content.decode().strip() == vkey
        # autosequence does not try to sign: submitting works, the entry waits unsequenced
        before = Checkpoint.objects.count()
        submit(text="Второе предложение, ждущее секвенсора.")
        assert Checkpoint.objects.count() == before
        with pytest.raises(signing.SigningRefused):
            ledger_sequence()
        assert not (data_dir / "ledger_key").exists()  # never recreated or read
        ids = {e.id for e in run_checks()}
        assert "kenes.E102" in ids


def test_sequencer_only_needs_the_public_key(data_dir):
    with override_settings(KENES_LEDGER_SIGNING="sequencer-only"):
        os.environ.pop("KENES_LEDGER_VKEY", None)
        with pytest.raises(signing.SigningRefused, match="KENES_LEDGER_VKEY"):
            signing.vkey()


def test_the_sequence_command_is_the_signing_process(submit, data_dir):
    submit(text=TEXT)
    with override_settings(KENES_LEDGER_SIGNING="sequencer-only", KENES_LEDGER_AUTOSEQUENCE=False):
        call_command("ledger", "sequence")
        assert Checkpoint.objects.exists()
        assert not {e.id for e in run_checks()} & {"kenes.E101", "kenes.E102"}


def test_unknown_signing_mode_is_a_check_error():
    with override_settings(KENES_LEDGER_SIGNING="sometimes"):
        assert "kenes.E101" in {e.id for e in run_checks()}


def test_ledger_append_needs_no_key(data_dir):
    from django.db import transaction

    from kenes.ledger.events import proposal_state

    with override_settings(KENES_LEDGER_SIGNING="sequencer-only", KENES_LEDGER_AUTOSEQUENCE=False):
        with transaction.atomic():
            ledger_append(proposal_state(code="T-1", from_state="received", to_state="in_review"))
    assert not (data_dir / "ledger_key").exists()
