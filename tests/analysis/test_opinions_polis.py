"""Pol.is export folders: reading, writing, ``kenes opinions`` and the shared conversations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sklearn.metrics import adjusted_rand_score

from kenes.analysis.opinions import (
    PolisConversation,
    PolisExportError,
    PolisStatement,
    PolisVote,
    compute,
    read_polis_export,
    write_polis_export,
)
from kenes.analysis.opinions.cli import main
from tests.fixtures.drafts import SHARED_DATA, shared_file

COMMENTS = (
    "timestamp,datetime,comment-id,author-id,agrees,disagrees,moderated,comment-body\n"
    '100,x,0,1,2,1,1,"First, with a comma"\n'
    "101,x,1,2,1,1,0,Second\n"
    "102,x,2,2,0,0,-1,Hidden\n"
)
VOTES = (
    "timestamp,datetime,comment-id,voter-id,vote\n"
    "200,x,0,1,-1\n"
    "300,x,0,1,1\n"  # changed vote: the later one counts
    "201,x,0,2,1\n"
    "202,x,1,1,-1\n"
    "203,x,0,3,-1\n"
    "204,x,1,3,1\n"
    "205,x,2,3,0\n"
)


def folder(tmp_path: Path, comments: str | None = COMMENTS, votes: str | None = VOTES) -> Path:
    d = tmp_path / "export"
    d.mkdir()
    if comments is not None:
        (d / "comments.csv").write_text(comments, encoding="utf-8")
    if votes is not None:
        (d / "votes.csv").write_text(votes, encoding="utf-8")
    return d


def test_read_keeps_the_latest_vote_and_the_moderation(tmp_path: Path) -> None:
    conv = read_polis_export(folder(tmp_path))
    assert conv.statement_ids() == ["0", "1", "2"]
    assert conv.statements[0].text == "First, with a comma"
    assert conv.moderated_out() == {"2"}
    votes = {(v.participant_id, v.statement_id): v.vote for v in conv.votes}
    assert votes[("1", "0")] == 1
    assert len(conv.votes) == 6


def test_write_then_read_gives_the_same_conversation(tmp_path: Path) -> None:
    original = PolisConversation(
        statements=[
            PolisStatement("0", "Бірінші, «мәтін»", "7", 1, 10),
            PolisStatement("1", 'Второй "текст"\nв две строки', "8", -1, 11),
        ],
        votes=[PolisVote("0", "7", 1, 20), PolisVote("1", "7", -1, 21), PolisVote("0", "8", 0)],
        polis_groups={"7": 0},
    )
    out = tmp_path / "out"
    write_polis_export(original, out)
    assert {p.name for p in out.iterdir()} == {
        "comments.csv",
        "votes.csv",
        "participants-votes.csv",
    }
    back = read_polis_export(out)
    assert back.statements == original.statements
    assert sorted(back.votes, key=repr) == sorted(original.votes, key=repr)
    assert back.polis_groups == {"7": 0}
    # participants-votes.csv alone carries the same votes
    (out / "votes.csv").unlink()
    only_pv = read_polis_export(out)
    triples = sorted(only_pv.vote_triples())
    assert triples == sorted(original.vote_triples())


def test_participants_votes_alone_is_enough(tmp_path: Path) -> None:
    d = folder(tmp_path, votes=None)
    (d / "participants-votes.csv").write_text(
        "participant,group-id,n-comments,n-votes,n-agree,n-disagree,0,1,2\n"
        "1,0,0,2,1,1,1,-1,\n"
        "2,,0,1,1,0,1,,\n",
        encoding="utf-8",
    )
    conv = read_polis_export(d)
    assert sorted(conv.vote_triples()) == [("1", "0", 1), ("1", "1", -1), ("2", "0", 1)]
    assert conv.polis_groups == {"1": 0}


@pytest.mark.parametrize(
    ("comments", "votes", "message"),
    [
        (None, VOTES, "comments.csv is missing"),
        (COMMENTS, None, "votes.csv or participants-votes.csv is needed"),
        ("id,text\n1,x\n", VOTES, "missing column"),
        (COMMENTS, VOTES + "206,x,0,4,2\n", "vote 2 is not 1"),
        (COMMENTS, VOTES + "206,x,0,4,yes\n", "is not an integer"),
        (COMMENTS, VOTES + "206,x,9,4,1\n", "unknown comment 9"),
        (COMMENTS, VOTES + "206,x,0\n", "wrong number of fields"),
        (COMMENTS, VOTES + "300,x,0,1,-1\n", "two different votes"),
        (COMMENTS + "103,x,0,1,0,0,0,Again\n", VOTES, "comment 0 appears twice"),
        (COMMENTS, "timestamp,comment-id,voter-id\n", "missing column"),
    ],
)
def test_bad_folders_are_rejected_clearly(
    tmp_path: Path, comments: str | None, votes: str | None, message: str
) -> None:
    with pytest.raises(PolisExportError, match=message):
        read_polis_export(folder(tmp_path, comments, votes))


def test_binary_file_is_rejected(tmp_path: Path) -> None:
    d = folder(tmp_path)
    (d / "votes.csv").write_bytes(b"\xff\xfe\x00garbage\x81")
    with pytest.raises(PolisExportError, match=r"votes\.csv"):
        read_polis_export(d)


def test_cli_writes_the_documented_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "o" / "result.json"
    assert main(["--polis", str(folder(tmp_path)), "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {"groups", "repness", "consensus", "bridging"} <= set(data)
    assert data["statement_stats"]["2"]["pass"] == 1
    assert "3 participants" in capsys.readouterr().out


def test_cli_fails_cleanly_and_writes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "result.json"
    bad = folder(tmp_path, votes=VOTES + "206,x,0,4,5\n")
    assert main(["--polis", str(bad), "--out", str(out)]) == 2
    assert "vote 5 is not 1" in capsys.readouterr().err
    assert not out.exists() and list(tmp_path.glob("*.tmp")) == []
    assert main(["--polis", str(tmp_path / "nowhere"), "--out", str(out)]) == 2
    assert not out.exists()


def test_cli_on_a_folder_without_votes_gives_an_empty_result(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    d = folder(tmp_path, votes="timestamp,datetime,comment-id,voter-id,vote\n")
    assert main(["--polis", str(d), "--out", str(out)]) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["groups"] == {} and data["k"] == 0


def test_kenes_dispatches_opinions(tmp_path: Path) -> None:
    from kenes.cli import main as kenes_main

    out = tmp_path / "r.json"
    with pytest.raises(SystemExit) as exc:
        kenes_main(["kenes", "opinions", "--polis", str(folder(tmp_path)), "--out", str(out)])
    assert exc.value.code == 0 and out.is_file()


POLIS = ["scoop-hivemind.biodiversity", "vtaiwan.uberx", "austria-climate.5twd2jsnkf.2022-08-08"]


@pytest.mark.parametrize("name", POLIS)
def test_shared_conversations_agree_with_polis_groups(name: str) -> None:
    shared_file(f"polis/{name}/comments.csv")
    conv = read_polis_export(SHARED_DATA / "polis" / name)
    result = compute(
        conv.vote_triples(),
        statement_ids=conv.statement_ids(),
        moderated_out=conv.moderated_out(),
    )
    common = sorted(set(conv.polis_groups) & set(result.groups))
    # nearly the same participants are clustered (Pol.is keeps a few who fell below 7 votes)
    assert len(common) >= 0.98 * len(conv.polis_groups)
    ari = adjusted_rand_score(
        [conv.polis_groups[p] for p in common], [result.groups[p] for p in common]
    )
    print(f"{name}: ARI {ari:.3f}, k {result.k}")
    # a conservative floor; the measured figures (≈ 0.8) are in bench/README-opinions.md
    assert ari >= 0.5
    assert all(result.repness[g] for g in range(result.k))
