"""Pol.is export folders: import into a conversation (all or nothing) and export back."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kenes.deliberation import polis, services
from kenes.deliberation.models import Conversation, Participant, Statement, Vote
from kenes.ledger.models import Entry
from tests.fixtures.drafts import SHARED_DATA

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english_messages")]

COMMENTS = [
    ["timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated",
     "comment-body"],
    ["1000", "", "0", "0", "2", "1", "1", "Срок консультаций нужно продлить."],
    ["1001", "", "1", "1", "1", "1", "0", "Жобаны газетте жариялау керек."],
    ["1002", "", "2", "1", "0", "0", "-1", "Оффтоп."],
]  # fmt: skip
VOTES = [
    ["timestamp", "datetime", "comment-id", "voter-id", "vote"],
    ["2000", "", "0", "0", "1"],
    ["2001", "", "0", "1", "1"],
    ["2002", "", "0", "2", "-1"],
    ["2003", "", "1", "0", "-1"],
    ["2004", "", "1", "1", "1"],
    ["2005", "", "1", "0", "1"],  # participant 0 changed their vote: the latest counts
    ["2006", "", "2", "2", "0"],
]


def write(folder: Path, name: str, rows: list[list[str]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / name).open("w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)


@pytest.fixture
def folder(tmp_path):
    d = tmp_path / "polis"
    write(d, "comments.csv", COMMENTS)
    write(d, "votes.csv", VOTES)
    return d


def test_import_then_export_round_trip(folder, tmp_path, version):
    call_command(
        "deliberation_import_polis",
        str(folder),
        conversation="imported",
        document=version.document.slug,
        version=version.label,
    )
    conv = Conversation.objects.get(slug="imported")
    states = dict(Statement.objects.values_list("external_id", "state"))
    assert states == {"0": "accepted", "1": "accepted", "2": "rejected"}
    votes = {
        (v.participant.external_id, v.statement.external_id): v.value
        for v in Vote.objects.select_related("participant", "statement")
    }
    assert votes == {
        ("0", "0"): 1, ("1", "0"): 1, ("2", "0"): -1,
        ("0", "1"): 1, ("1", "1"): 1, ("2", "2"): 0,
    }  # fmt: skip
    s0 = Statement.objects.get(external_id="0")
    assert (s0.n_agree, s0.n_disagree) == (2, 1)
    assert Entry.objects.filter(kind="deliberation.statement").count() == 3
    out = tmp_path / "out"
    call_command("deliberation_export_polis", conversation="imported", out=str(out))
    from kenes.analysis.opinions import read_polis_export

    back = read_polis_export(out)
    assert {(s.statement_id, s.text, s.moderated) for s in back.statements} == {
        ("0", "Срок консультаций нужно продлить.", 1),
        ("1", "Жобаны газетте жариялау керек.", 1),
        ("2", "Оффтоп.", -1),
    }
    assert {(v.participant_id, v.statement_id): v.vote for v in back.votes} == votes
    # and the export imports again into a new conversation with the same content
    call_command(
        "deliberation_import_polis",
        str(out),
        conversation="again",
        document=version.document.slug,
        version=version.label,
    )
    again = Conversation.objects.get(slug="again")
    assert Vote.objects.filter(conversation=again).count() == len(votes)
    assert conv.pk != again.pk


def test_export_of_a_kenes_conversation_numbers_new_ids(conversation, statements, tmp_path):
    p = services.participant_get_or_create(
        conversation=conversation, device_token="device-token-for-export-01"
    )
    services.vote_cast(
        conversation=conversation, participant=p, statement_id=statements[1].pk, value=-1
    )
    n = polis.export_folder(conversation=conversation, folder=tmp_path / "x")
    assert n == 1
    rows = list(csv.DictReader((tmp_path / "x" / "votes.csv").open(encoding="utf-8")))
    assert [(r["comment-id"], r["voter-id"], r["vote"]) for r in rows] == [("1", "0", "-1")]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: (d / "comments.csv").unlink(), "comments.csv is missing"),
        (lambda d: (d / "votes.csv").unlink(), "votes.csv or participants-votes.csv"),
        (
            lambda d: write(d, "votes.csv", [*VOTES, ["3000", "", "0", "5", "2"]]),
            "vote 2 is not 1",
        ),
        (
            lambda d: write(d, "votes.csv", [*VOTES, ["3000", "", "9", "5", "1"]]),
            "unknown comment 9",
        ),
        (
            lambda d: write(d, "votes.csv", [["comment-id", "vote"], ["0", "1"]]),
            "missing column",
        ),
        (
            lambda d: (d / "comments.csv").write_bytes(b"\xff\xfe\x00bad"),
            "not UTF-8",
        ),
        (
            lambda d: write(
                d, "comments.csv", [*COMMENTS, ["1", "", "7", "1", "0", "0", "1", "ә" * 281]]
            ),
            "longer than 280",
        ),
    ],
)
def test_a_bad_folder_imports_nothing(folder, version, mutate, message):
    mutate(folder)
    with pytest.raises(CommandError, match=message):
        call_command(
            "deliberation_import_polis",
            str(folder),
            conversation="bad",
            document=version.document.slug,
            version=version.label,
        )
    assert not Conversation.objects.filter(slug="bad").exists()
    assert not Statement.objects.exists() and not Vote.objects.exists()
    assert not Participant.objects.exists()


def test_import_into_a_conversation_with_statements_is_refused(folder, conversation, statements):
    with pytest.raises(CommandError, match="has statements already"):
        call_command("deliberation_import_polis", str(folder), conversation=conversation.slug)
    assert Statement.objects.count() == 3 and not Vote.objects.exists()


def test_unknown_conversation_without_a_version_is_a_clear_error(folder):
    with pytest.raises(CommandError, match="does not exist"):
        call_command("deliberation_import_polis", str(folder), conversation="nowhere")
    with pytest.raises(CommandError, match="No draft version"):
        call_command(
            "deliberation_import_polis", str(folder), conversation="x", document="a", version="b"
        )


@pytest.mark.shared
def test_a_shared_polis_conversation_imports_and_computes(version):
    folder = SHARED_DATA / "polis" / "scoop-hivemind.biodiversity"
    if not (folder / "comments.csv").is_file():
        pytest.skip("needs ../shared/data/polis, which is absent")
    conv, counts = polis.import_folder(
        actor=None, folder=folder, slug="biodiversity", version=version
    )
    assert counts["statements"] == 316 and counts["votes"] > 20000
    result = services.result_recompute(conversation=conv)
    assert result is not None and len(result.data["group_sizes"]) >= 2


def test_draft_statements_command(conversation, capsys):
    from kenes.insights.models import Campaign

    Campaign.objects.create(
        version=conversation.version,
        label="c",
        template="Жобаны аудандық газеттерде жариялау керек.",
        template_lang="kk",
        size=12,
    )
    call_command("deliberation_draft_statements", conversation=conversation.slug)
    assert "1 statements" in capsys.readouterr().out
    assert Statement.objects.get(conversation=conversation).state == "pending"
    with pytest.raises(CommandError, match="No conversation"):
        call_command("deliberation_draft_statements", conversation="nope")
