"""Imports of proposal files for staff, run in the background by ``kenes db_worker``.

``proposals_import_enqueue`` checks the arguments and the stored file at once (so staff see a
bad file immediately) and queues ``import_proposals_task``; the task's return value (counts and
the first errors, never a contact) is kept by django-tasks as the record of the run. An admin
page listing runs is to be wired on top of these two functions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django_tasks import TaskResult, task

from kenes.accounts.actors import acting_user
from kenes.core.actors import Actor
from kenes.drafts.models import Version
from kenes.proposals.importing import IMPORT_CHANNELS, file_format, proposals_import_file


@task()
def import_proposals_task(
    *,
    path: str,
    document_slug: str,
    version_label: str,
    channel: str,
    source: str,
    errors_path: str | None = None,
    actor_id: int | None = None,
) -> dict[str, Any]:
    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id else None
    result = proposals_import_file(
        actor=actor,
        path=path,
        document_slug=document_slug,
        version_label=version_label,
        channel=channel,
        source=source,
        errors_path=errors_path,
    )
    return {**result.as_dict(), "file": Path(path).name, "errors_path": errors_path}


def proposals_import_enqueue(
    *,
    actor: Actor,
    path: Path | str,
    document_slug: str,
    version_label: str,
    channel: str,
    source: str,
    errors_path: Path | str | None = None,
) -> TaskResult[Any]:
    """Check an import of a stored file and queue it; return the task result to follow.

    Raises ValidationError for a bad channel or version and ImportFileError for a file that
    cannot be imported (format, size, encoding).
    """
    if channel not in IMPORT_CHANNELS:
        raise ValidationError(
            {
                "channel": [
                    _("An import comes on one of the channels: %(channels)s.")
                    % {"channels": ", ".join(IMPORT_CHANNELS)}
                ]
            }
        )
    if not Version.objects.filter(document__slug=document_slug, label=version_label).exists():
        raise ValidationError(
            {
                "version": [
                    _("There is no draft %(document)s/%(version)s.")
                    % {"document": document_slug, "version": version_label}
                ]
            }
        )
    path = Path(path).resolve()
    file_format(path)
    user = acting_user(actor)
    user_id = user.pk if user is not None else None
    return import_proposals_task.enqueue(
        path=str(path),
        document_slug=document_slug,
        version_label=version_label,
        channel=channel,
        source=source,
        errors_path=str(errors_path) if errors_path else None,
        actor_id=user_id,
    )
