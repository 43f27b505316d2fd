"""Flood flags at intake: marks, for reviewers, proposals that arrive as part of a flood.

A flag never refuses a proposal (refusing is for the rate limits, kenes.core.ratelimit); it is
stored on the proposal (``Proposal.flood_flags``) and shown in the review queue, so reviewers
see a campaign or a script at a glance. Flags, within ``KENES_FLOOD_WINDOW`` seconds:

- ``same_text``: this exact text (after folding case and spaces) has now come at least
  ``KENES_FLOOD_SAME_TEXT`` times, from any source;
- ``same_source``: the same source (browser, contact or API client) sent this text before;
- ``burst``: the same source sent at least ``KENES_FLOOD_BURST`` proposals.

Bulk imports (paper forms, meeting sheets) come from staff and are not flagged.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from kenes.proposals.models import Channel, Proposal

FLAGS = ("same_text", "same_source", "burst")
FLAGGED_CHANNELS = (Channel.WEB, Channel.API)


def flags_for(proposal: Proposal) -> list[str]:
    """Return the flood flags of a proposal about to be stored (two or three indexed counts)."""
    if proposal.channel not in FLAGGED_CHANNELS:
        return []
    since = timezone.now() - timedelta(seconds=settings.KENES_FLOOD_WINDOW)
    recent = Proposal.objects.filter(submitted_at__gte=since)
    flags: list[str] = []
    same_text = settings.KENES_FLOOD_SAME_TEXT
    if same_text > 0:
        earlier = recent.filter(text_hash=proposal.text_hash)[: same_text - 1].count()
        if earlier + 1 >= same_text:
            flags.append("same_text")
    if proposal.author_index:
        mine = recent.filter(author_index=proposal.author_index)
    elif proposal.source and proposal.source != "public":
        mine = recent.filter(channel=proposal.channel, source=proposal.source)
    else:
        return flags
    if mine.filter(text_hash=proposal.text_hash).exists():
        flags.append("same_source")
    burst = settings.KENES_FLOOD_BURST
    if burst > 0 and mine[: burst - 1].count() + 1 >= burst:
        flags.append("burst")
    return flags
