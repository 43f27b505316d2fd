"""Writes of the reports app: report builds (queued by staff, run by the task worker or the CLI)
and the staff's plain-language notes for handouts. Each writes its audit entry.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kenes.accounts.actors import acting_user
from kenes.core.actors import Actor
from kenes.core.services import audit_record
from kenes.drafts.models import Article, Version
from kenes.reports import rendering, selectors
from kenes.reports.models import ExplainerNote, ReportBuild, ReportLanguage

log = logging.getLogger(__name__)

NOTE_MAX = 3000
HANDOUT_MAX_ARTICLES = 30


def check_language(language: str) -> str:
    if language not in ReportLanguage.values:
        raise ValidationError(
            {"language": [_("The report is written in Kazakh (kk) or Russian (ru).")]}
        )
    return language


def _build_create(*, actor: Actor, version: Version, language: str, action: str) -> ReportBuild:
    """A new build row and its audit entry ``reports.build_<action>`` (caller's transaction)."""
    check_language(language)
    build = ReportBuild.objects.create(
        version=version, language=language, requested_by=acting_user(actor)
    )
    audit_record(
        actor=actor,
        action=f"reports.build_{action}",
        target=build,
        data={"version": str(version), "language": language},
    )
    return build


@transaction.atomic
def report_build_request(*, actor: Actor, version: Version, language: str) -> ReportBuild:
    """Queue a build of the final report (the staff button); the task worker builds it."""
    build = _build_create(actor=actor, version=version, language=language, action="queued")

    def enqueue() -> None:
        from kenes.reports.tasks import build_report

        build_report.enqueue(build_id=build.pk)

    transaction.on_commit(enqueue)
    return build


def _set(build: ReportBuild, **fields: object) -> None:
    # Progress is written at once (outside any long transaction) so the staff page sees it.
    ReportBuild.objects.filter(pk=build.pk).update(**fields)
    for name, value in fields.items():
        setattr(build, name, value)


def report_build(
    *, actor: Actor, version: Version, language: str, out: Path, build: ReportBuild | None = None
) -> ReportBuild:
    """Recompute the report's figures, typeset the PDF to ``out`` and record the build.

    Without ``build`` (the CLI) a build row is created; with one (the task) it is updated with
    the progress as it goes. On an error the build is marked failed and the error re-raised.
    """
    if build is None:
        with transaction.atomic():
            build = _build_create(actor=actor, version=version, language=language, action="started")
    else:
        check_language(language)
    started = time.monotonic()
    _set(build, status=ReportBuild.Status.RUNNING, progress=1, stage="start")

    def progress(percent: int, stage: str) -> None:
        _set(build, progress=percent, stage=stage)

    try:
        data = selectors.report_data(version=version, lang=language, progress=progress)
        progress(85, "typesetting")
        html = rendering.report_html(data)
        size, digest = rendering.write_pdf(html, out)
    except Exception as exc:
        _set(
            build,
            status=ReportBuild.Status.FAILED,
            error=f"{type(exc).__name__}: {exc}"[:2000],
            finished_at=timezone.now(),
        )
        log.exception("report build %s failed", build.pk)
        raise
    with transaction.atomic():
        _set(
            build,
            status=ReportBuild.Status.DONE,
            progress=100,
            stage="done",
            finished_at=timezone.now(),
            file=str(out),
            size_bytes=size,
            sha256=digest,
            checkpoint_size=data.ledger.size if data.ledger else 0,
            n_proposals=data.total,
        )
        audit_record(
            actor=actor,
            action="reports.build_done",
            target=build,
            data={
                "sha256": digest,
                "proposals": data.total,
                "ledger_size": build.checkpoint_size,
                "seconds": round(time.monotonic() - started, 2),
            },
        )
    return build


def report_path(build: ReportBuild) -> Path:
    v = build.version
    name = f"kenes-report-{v.document.slug}-{v.label}-{build.language}-{build.pk}.pdf"
    return Path(settings.MEDIA_ROOT) / "reports" / name


def report_build_run(*, build_id: int) -> ReportBuild | None:
    """Run a queued build (the task's body); returns None for an unknown or finished build."""
    build = (
        ReportBuild.objects.select_related("version__document", "requested_by")
        .filter(pk=build_id)
        .first()
    )
    if build is None or build.status != ReportBuild.Status.QUEUED:
        return None
    return report_build(
        actor=build.requested_by,
        version=build.version,
        language=build.language,
        out=report_path(build),
        build=build,
    )


@transaction.atomic
def explainer_note_save(
    *, actor: Actor, article: Article, language: str, text: str
) -> ExplainerNote | None:
    """Write (or, with an empty text, remove) the plain-language note on ``article``."""
    check_language(language)
    text = text.strip()
    if len(text) > NOTE_MAX:
        raise ValidationError(
            {"text": [_("A note is at most %(n)d characters long.") % {"n": NOTE_MAX}]}
        )
    note = ExplainerNote.objects.filter(article=article, language=language).first()
    if not text:
        if note is not None:
            audit_record(
                actor=actor,
                action="reports.note_removed",
                target=note,
                data={"article": str(article), "language": language},
            )
            note.delete()
        return None
    before = note.text if note is not None else None
    if note is None:
        note = ExplainerNote(article=article, language=language)
    note.text = text
    note.updated_by = acting_user(actor)
    note.save()
    audit_record(
        actor=actor,
        action="reports.note_saved",
        target=note,
        data={
            "article": str(article),
            "language": language,
            "created": before is None,
            "length": len(text),
        },
    )
    return note


def handout_build(
    *, version: Version, numbers: list[str], language: str, out: Path
) -> list[selectors.HandoutArticle]:
    """Typeset the explainer handout of the chosen articles to ``out``.

    Raises ValidationError when no article is chosen, too many are, or a number is unknown.
    Writes nothing to the database (a handout is a printout of public data).
    """
    check_language(language)
    numbers = [n.strip() for n in numbers if n.strip()]
    if not numbers:
        raise ValidationError({"articles": [_("Choose at least one article.")]})
    if len(numbers) > HANDOUT_MAX_ARTICLES:
        raise ValidationError(
            {
                "articles": [
                    _("A handout holds at most %(n)d articles.") % {"n": HANDOUT_MAX_ARTICLES}
                ]
            }
        )
    articles = selectors.handout_articles(version=version, numbers=numbers, lang=language)
    unknown = sorted(set(numbers) - {a.number for a in articles})
    if unknown:
        raise ValidationError(
            {
                "articles": [
                    _("Version %(version)s has no article %(numbers)s.")
                    % {"version": version.label, "numbers": ", ".join(unknown)}
                ]
            }
        )
    older, _newer = selectors.version_neighbours(version)
    title, _lang = version.document.title_in(language)
    html = rendering.handout_html(
        document_title=title,
        version_label=version.label,
        older_label=older.label if older else "",
        lang=language,
        articles=articles,
    )
    rendering.write_pdf(html, out, variant=None)
    return articles
