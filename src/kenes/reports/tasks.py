"""Background task of the reports app (django-tasks, database backend). It only calls services."""

from __future__ import annotations

from django_tasks import task

from kenes.reports import services


@task()
def build_report(*, build_id: int) -> int:
    """Build a queued final report; return the number of proposals it counted (0 if skipped)."""
    build = services.report_build_run(build_id=build_id)
    return build.n_proposals if build is not None else 0
