"""Demo: link the accepted proposals on the demo law's v1 to the changes published in v2."""

from __future__ import annotations

from kenes.accounts.models import User
from kenes.changes.models import ChangeLink
from kenes.changes.selectors import change_suggestions
from kenes.changes.services import LinkItem, change_links_confirm
from kenes.core.seeding import SeedContext
from kenes.drafts.matching import previous_version
from kenes.drafts.models import Version
from kenes.drafts.seed import DEMO_SLUG


def seed(ctx: SeedContext) -> None:
    v2 = Version.objects.filter(document__slug=DEMO_SLUG, label="v2").first()
    if v2 is None or ChangeLink.objects.filter(new_version=v2).exists():
        return
    v1 = previous_version(v2)
    if v1 is None:
        return
    reviewer = User.objects.filter(username="reviewer").first()
    items = [
        LinkItem(
            proposal_id=c.proposal.pk,
            old_article_id=s.match.old.pk if s.match.old else None,
            new_article_id=s.match.new.pk if s.match.new else None,
            old_point_id=c.old_point.pk if c.old_point else None,
            new_point_id=c.new_point.pk if c.new_point else None,
        )
        for s in change_suggestions(new_version=v2)
        for c in s.candidates
        if not c.linked and c.via in ("article", "answer")
    ]
    if items:
        created = change_links_confirm(actor=reviewer, old_version=v1, new_version=v2, items=items)
        ctx.say(f"Changes: {len(created)} accepted proposals linked to the changes of v2.")
