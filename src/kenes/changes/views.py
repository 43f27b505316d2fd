"""Staff screen: confirm which accepted proposals led to each change of a new version."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from kenes.accounts.permissions import staff_view
from kenes.changes import selectors, services
from kenes.drafts.matching import previous_version
from kenes.drafts.models import pick_language
from kenes.drafts.selectors import version_get

READ_PERM = "changes.view_changelink"
ACT_PERM = "changes.add_changelink"


def _parse(value: str) -> services.LinkItem | None:
    """``proposal:old_article:new_article:old_point:new_point`` (empty for none) → LinkItem."""
    parts = value.split(":")
    if len(parts) != 5 or not parts[0].isdigit():
        return None
    try:
        nums = [int(x) if x else None for x in parts]
    except ValueError:
        return None
    return services.LinkItem(
        proposal_id=nums[0] or 0,
        old_article_id=nums[1],
        new_article_id=nums[2],
        old_point_id=nums[3],
        new_point_id=nums[4],
    )


@require_http_methods(["GET", "POST"])
@staff_view(can_read=READ_PERM, can_act=ACT_PERM)
def confirm(request: HttpRequest, slug: str, label: str) -> HttpResponse:
    version = version_get(document_slug=slug, label=label)
    old = previous_version(version)
    if request.method == "POST" and old is not None:
        items = [_parse(v) for v in request.POST.getlist("link")]
        valid = [i for i in items if i is not None]
        if len(valid) != len(items):
            messages.error(request, _("Some choices could not be read; nothing was saved."))
        elif not valid:
            messages.error(request, _("Choose at least one proposal to link."))
        else:
            try:
                created = services.change_links_confirm(
                    actor=request.user, old_version=old, new_version=version, items=valid
                )
            except ValidationError as exc:
                for message in exc.messages:
                    messages.error(request, message)
            else:
                messages.success(
                    request,
                    ngettext(
                        "%(n)d link confirmed and written to the ledger.",
                        "%(n)d links confirmed and written to the ledger.",
                        len(created),
                    )
                    % {"n": len(created)},
                )
                return redirect("changes:confirm", slug, label)
    lang = pick_language()
    context: dict[str, Any] = {
        "version": version,
        "old": old,
        "suggestions": selectors.change_suggestions(new_version=version, lang=lang) if old else [],
        "linked": selectors.changes_for_version(version).count(),
        "lang": lang,
    }
    return render(request, "changes/confirm.html", context)
