"""The daily retention task (django-tasks, database backend): applies the retention periods
and schedules its next run a day later, so one `kenes retention schedule` keeps it going as
long as a worker (`kenes db_worker`) runs."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from kenes.proposals import rights

RETENTION_EVERY = timedelta(days=1)


@task()
def retention_daily(*, reschedule: bool = True) -> dict[str, int]:
    done = rights.retention_run()
    if reschedule:
        retention_daily.using(run_after=timezone.now() + RETENTION_EVERY).enqueue()
    return done
