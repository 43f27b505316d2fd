"""Read and write Pol.is export folders (comments.csv, votes.csv, participants-votes.csv)."""

from __future__ import annotations

from pathlib import Path

from .types import PolisConversation


def read_polis_export(directory: str | Path) -> PolisConversation:
    raise NotImplementedError


def write_polis_export(conversation: PolisConversation, directory: str | Path) -> None:
    raise NotImplementedError
