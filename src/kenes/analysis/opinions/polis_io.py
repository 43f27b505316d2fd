"""Read and write Pol.is export folders (comments.csv, votes.csv, participants-votes.csv).

``votes.csv`` keeps every vote a participant cast, so a changed vote appears more than once:
the latest (by timestamp) counts, as in Pol.is. Two different votes with the same timestamp
are ambiguous and rejected. ``participants-votes.csv`` (one row per participant, one column per
comment, plus Pol.is's ``group-id``) is used for the votes when ``votes.csv`` is absent, and for
Pol.is's own groups whenever present.
"""

from __future__ import annotations

import csv
from pathlib import Path

from .types import PolisConversation, PolisExportError, PolisStatement, PolisVote

COMMENT_FIELDS = [
    "timestamp", "datetime", "comment-id", "author-id", "agrees", "disagrees", "moderated",
    "comment-body",
]  # fmt: skip
VOTE_FIELDS = ["timestamp", "datetime", "comment-id", "voter-id", "vote"]
_PV_FIXED = {"participant", "xid", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree"}

csv.field_size_limit(10_000_000)


def _rows(path: Path, required: set[str]) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = set(reader.fieldnames or [])
            missing = required - header
            if missing:
                raise PolisExportError(
                    f"{path.name}: missing column(s) {', '.join(sorted(missing))}"
                )
            rows = []
            for row in reader:
                if None in row or any(v is None for v in row.values()):
                    raise PolisExportError(
                        f"{path.name}, line {reader.line_num}: wrong number of fields"
                    )
                rows.append(row)
            return rows
    except UnicodeDecodeError as exc:
        raise PolisExportError(f"{path.name}: not UTF-8 text ({exc.reason})") from None
    except csv.Error as exc:
        raise PolisExportError(f"{path.name}: malformed CSV ({exc})") from None


def _int(value: str, what: str, where: str) -> int:
    try:
        return int(value.strip())
    except ValueError:
        raise PolisExportError(f"{where}: {what} {value!r} is not an integer") from None


def _vote(value: str, where: str) -> int:
    v = _int(value, "vote", where)
    if v not in (1, 0, -1):
        raise PolisExportError(f"{where}: vote {v} is not 1 (agree), -1 (disagree) or 0 (pass)")
    return v


def _id(value: str, what: str, where: str) -> str:
    v = value.strip()
    if not v:
        raise PolisExportError(f"{where}: empty {what}")
    return v


def read_polis_export(directory: str | Path) -> PolisConversation:
    """Read a Pol.is export folder; raise :class:`PolisExportError` on any problem."""
    folder = Path(directory)
    if not folder.is_dir():
        raise PolisExportError(f"{folder}: not a folder")
    comments_path = folder / "comments.csv"
    votes_path = folder / "votes.csv"
    pv_path = folder / "participants-votes.csv"
    if not comments_path.is_file():
        raise PolisExportError(f"{folder}: comments.csv is missing")
    if not votes_path.is_file() and not pv_path.is_file():
        raise PolisExportError(f"{folder}: votes.csv or participants-votes.csv is needed")

    statements: list[PolisStatement] = []
    known: set[str] = set()
    for n, row in enumerate(_rows(comments_path, {"comment-id"}), start=2):
        where = f"comments.csv, row {n}"
        sid = _id(row["comment-id"], "comment-id", where)
        if sid in known:
            raise PolisExportError(f"{where}: comment {sid} appears twice")
        known.add(sid)
        moderated = row.get("moderated", "").strip()
        statements.append(
            PolisStatement(
                statement_id=sid,
                text=row.get("comment-body", ""),
                author_id=row.get("author-id", "").strip(),
                moderated=_int(moderated, "moderated", where) if moderated else 0,
                timestamp=_int(row["timestamp"], "timestamp", where)
                if row.get("timestamp", "").strip()
                else 0,
            )
        )

    polis_groups: dict[str, int] = {}
    pv_votes: list[PolisVote] = []
    if pv_path.is_file():
        with pv_path.open(newline="", encoding="utf-8-sig") as fh:
            header = next(csv.reader(fh), None)
        if not header or "participant" not in header:
            raise PolisExportError("participants-votes.csv: missing column participant")
        comment_cols = [c for c in header if c not in _PV_FIXED]
        for c in comment_cols:
            if c not in known:
                raise PolisExportError(f"participants-votes.csv: unknown comment column {c!r}")
        seen: set[str] = set()
        for n, row in enumerate(_rows(pv_path, {"participant"}), start=2):
            where = f"participants-votes.csv, row {n}"
            pid = _id(row["participant"], "participant", where)
            if pid in seen:
                raise PolisExportError(f"{where}: participant {pid} appears twice")
            seen.add(pid)
            gid = row.get("group-id", "").strip()
            if gid:
                polis_groups[pid] = _int(gid, "group-id", where)
            for c in comment_cols:
                cell = row[c].strip()
                if cell:
                    pv_votes.append(PolisVote(c, pid, _vote(cell, where)))

    if votes_path.is_file():
        latest: dict[tuple[str, str], tuple[int, int]] = {}
        for n, row in enumerate(_rows(votes_path, {"comment-id", "voter-id", "vote"}), start=2):
            where = f"votes.csv, row {n}"
            sid = _id(row["comment-id"], "comment-id", where)
            if sid not in known:
                raise PolisExportError(f"{where}: vote on unknown comment {sid}")
            pid = _id(row["voter-id"], "voter-id", where)
            value = _vote(row["vote"], where)
            ts_text = row.get("timestamp", "").strip()
            ts = _int(ts_text, "timestamp", where) if ts_text else 0
            key = (pid, sid)
            prev = latest.get(key)
            if prev is not None and prev[0] == ts:
                if prev[1] != value:
                    raise PolisExportError(
                        f"{where}: two different votes by {pid} on comment {sid} at the same time"
                    )
                continue
            if prev is None or ts > prev[0]:
                latest[key] = (ts, value)
        votes = [PolisVote(s, p, v, ts) for (p, s), (ts, v) in latest.items()]
    else:
        votes = pv_votes
    return PolisConversation(statements=statements, votes=votes, polis_groups=polis_groups)


def write_polis_export(conversation: PolisConversation, directory: str | Path) -> None:
    """Write comments.csv, votes.csv and participants-votes.csv in Pol.is's export format."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    from .compute import natural_key

    agrees: dict[str, int] = {}
    disagrees: dict[str, int] = {}
    by_participant: dict[str, dict[str, int]] = {}
    for v in conversation.votes:
        if v.vote == 1:
            agrees[v.statement_id] = agrees.get(v.statement_id, 0) + 1
        elif v.vote == -1:
            disagrees[v.statement_id] = disagrees.get(v.statement_id, 0) + 1
        by_participant.setdefault(v.participant_id, {})[v.statement_id] = v.vote
    with (folder / "comments.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(COMMENT_FIELDS)
        for s in conversation.statements:
            w.writerow([
                s.timestamp, "", s.statement_id, s.author_id, agrees.get(s.statement_id, 0),
                disagrees.get(s.statement_id, 0), s.moderated, s.text,
            ])  # fmt: skip
    with (folder / "votes.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(VOTE_FIELDS)
        for v in conversation.votes:
            w.writerow([v.timestamp, "", v.statement_id, v.participant_id, v.vote])
    sids = sorted((s.statement_id for s in conversation.statements), key=natural_key)
    authored: dict[str, int] = {}
    for s in conversation.statements:
        if s.author_id:
            authored[s.author_id] = authored.get(s.author_id, 0) + 1
    with (folder / "participants-votes.csv").open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["participant", "group-id", "n-comments", "n-votes", "n-agree", "n-disagree", *sids]
        )
        for pid in sorted(by_participant, key=natural_key):
            row = by_participant[pid]
            gid = conversation.polis_groups.get(pid)
            w.writerow([
                pid, "" if gid is None else gid, authored.get(pid, 0), len(row),
                sum(1 for x in row.values() if x == 1), sum(1 for x in row.values() if x == -1),
                *[row.get(s, "") for s in sids],
            ])  # fmt: skip
