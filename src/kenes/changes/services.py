"""Writes of change links: confirmed by a person, one transaction, a ledger event per link."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from kenes.accounts.actors import acting_user
from kenes.changes.models import ChangeKind, ChangeLink
from kenes.changes.selectors import TAKEN, link_key
from kenes.core.actors import Actor
from kenes.core.services import audit_record
from kenes.drafts.models import Article, Point, Version
from kenes.ledger import events
from kenes.ledger.services import ledger_append_many
from kenes.proposals.models import Proposal
from kenes.review.selectors import latest_answers


@dataclass(frozen=True)
class LinkItem:
    """One link to confirm: a proposal and the old/new article (and point) it changed."""

    proposal_id: int
    old_article_id: int | None
    new_article_id: int | None
    old_point_id: int | None = None
    new_point_id: int | None = None
    suggested: bool = True


def _kind(old: Article | None, new: Article | None) -> str:
    if old is None:
        return ChangeKind.ADDED
    if new is None:
        return ChangeKind.REMOVED
    return ChangeKind.CHANGED


@transaction.atomic
def change_links_confirm(
    *, actor: Actor, old_version: Version, new_version: Version, items: Sequence[LinkItem]
) -> list[ChangeLink]:
    """Store the confirmed links (skipping those already stored) and log each in the ledger.

    Every proposal must be answered "accepted" or "partly accepted" and belong to the same
    document as ``new_version`` (not to ``new_version`` itself); old articles and points must be
    in ``old_version``, new ones in ``new_version``. Raises ValidationError listing every
    problem; then nothing is written.
    """
    if old_version.document_id != new_version.document_id or old_version.pk == new_version.pk:
        raise ValidationError(_("Choose two versions of the same document."))
    ids = {i.proposal_id for i in items}
    proposals = {
        p.pk: p
        for p in Proposal.objects.select_for_update()
        .filter(pk__in=ids)
        .select_related("version__document")
    }
    answers = latest_answers(list(proposals))
    art_ids = {i.old_article_id for i in items} | {i.new_article_id for i in items}
    articles = {a.pk: a for a in Article.objects.filter(pk__in=[x for x in art_ids if x])}
    pt_ids = {i.old_point_id for i in items} | {i.new_point_id for i in items}
    points = {p.pk: p for p in Point.objects.filter(pk__in=[x for x in pt_ids if x])}
    problems: list[str] = []
    rows: list[ChangeLink] = []
    existing = set(
        ChangeLink.objects.filter(new_version=new_version, proposal_id__in=ids).values_list(
            "proposal_id", "key"
        )
    )
    for item in items:
        p = proposals.get(item.proposal_id)
        if p is None:
            problems.append(_("Unknown proposal %(id)s.") % {"id": item.proposal_id})
            continue
        answer = answers.get(p.pk)
        if answer is None or answer.decision not in TAKEN:
            problems.append(
                _("Proposal %(code)s is not accepted or partly accepted.") % {"code": p.code}
            )
            continue
        if p.version.document_id != new_version.document_id or p.version_id == new_version.pk:
            problems.append(
                _("Proposal %(code)s is not on an earlier version of this document.")
                % {"code": p.code}
            )
            continue
        old = articles.get(item.old_article_id) if item.old_article_id else None
        new = articles.get(item.new_article_id) if item.new_article_id else None
        old_pt = points.get(item.old_point_id) if item.old_point_id else None
        new_pt = points.get(item.new_point_id) if item.new_point_id else None
        if old is None and new is None:
            problems.append(_("Proposal %(code)s: choose an article.") % {"code": p.code})
            continue
        if (
            (old is not None and old.version_id != old_version.pk)
            or (new is not None and new.version_id != new_version.pk)
            or (old_pt is not None and (old is None or old_pt.article_id != old.pk))
            or (new_pt is not None and (new is None or new_pt.article_id != new.pk))
        ):
            problems.append(
                _("Proposal %(code)s: the article or point is not in the versions compared.")
                % {"code": p.code}
            )
            continue
        key = link_key(old, old_pt, new, new_pt)
        if (p.pk, key) in existing:
            continue
        existing.add((p.pk, key))
        rows.append(
            ChangeLink(
                proposal=p,
                old_version=old_version,
                new_version=new_version,
                old_article=old,
                old_point=old_pt,
                new_article=new,
                new_point=new_pt,
                kind=_kind(old, new),
                key=key,
                suggested=item.suggested,
                created_by=acting_user(actor),
            )
        )
    if problems:
        raise ValidationError(problems)
    if not rows:
        return []
    created = ChangeLink.objects.bulk_create(rows)
    doc = new_version.document.slug
    ledger_append_many(
        events.change_linked(
            code=link.proposal.code,
            document=doc,
            from_version=old_version.label,
            to_version=new_version.label,
            change=link.kind,
            old_article=link.old_article.number if link.old_article else None,
            old_point=link.old_point.number if link.old_point else None,
            new_article=link.new_article.number if link.new_article else None,
            new_point=link.new_point.number if link.new_point else None,
            decision=answers[link.proposal_id].decision,
        )
        for link in created
    )
    audit_record(
        actor=actor,
        action="change_links.confirm",
        target=new_version,
        data={"links": len(created), "from": old_version.label, "to": new_version.label},
    )
    return created
