"""Staff gates for views: one decorator for every staff screen, and the permission names.

A check is a permission name (``"review.add_answer"``) or a function of the user, so apps above
``accounts`` can pass their own rule (e.g. "is an organiser") without ``accounts`` importing them.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

# Reading proposals (and everything the review screens show).
REVIEW_READ = "proposals.view_proposal"
# Recording answers, assigning, merging, correcting analysis.
REVIEW_ACT = "review.add_answer"
# Seeing an author's contact.
CONTACT_READ = "proposals.change_proposal"

Check = str | Callable[[Any], bool]
View = Callable[..., HttpResponseBase]


def _passes(user: Any, check: Check) -> bool:
    return bool(user.has_perm(check)) if isinstance(check, str) else bool(check(user))


def staff_view(
    *, can_read: Check, can_act: Check | None = None, login_url: str | None = None
) -> Callable[[View], View]:
    """Gate a view to active staff: others go to the sign-in page (``login_url``, a URL or URL
    name; ``LOGIN_URL`` by default); a user who fails ``can_read`` (or, for POST, ``can_act``)
    gets 403."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not (user.is_authenticated and user.is_active and user.is_staff):
                return redirect_to_login(request.get_full_path(), login_url)
            if not _passes(user, can_read):
                raise PermissionDenied
            if request.method == "POST" and can_act is not None and not _passes(user, can_act):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorate


# Review screens (review and insights): staff who read proposals; POST needs the answer right.
review_view = staff_view(can_read=REVIEW_READ, can_act=REVIEW_ACT)
