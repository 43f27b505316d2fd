from django_tasks import task

from kenes.counters.services import counters_compact


@task()
def compact() -> int:
    folded = total = counters_compact()
    while folded:
        folded = counters_compact()
        total += folded
    return total
