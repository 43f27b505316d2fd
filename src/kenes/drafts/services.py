"""Service functions of the drafts app: the only code that writes draft texts."""

from __future__ import annotations

from django.db import transaction

from kenes.core.actors import Actor
from kenes.core.services import audit_record
from kenes.drafts import formats, hooks
from kenes.drafts.formats import DraftDoc, DraftFormatError, Problem
from kenes.drafts.models import Article, Document, Point, Section, Subpoint, Version
from kenes.drafts.selectors import version_to_doc


@transaction.atomic
def draft_version_import(
    *,
    actor: Actor,
    doc: DraftDoc,
    document_slug: str,
    version_label: str,
    replace: bool = False,
) -> Version:
    """Store ``doc`` as version ``version_label`` of document ``document_slug``.

    A new version is created with the text in ``doc.language``. If the version exists and lacks
    that language, ``doc`` is added as a parallel translation: its numbering must match the
    existing text exactly. If the language is already loaded, ``replace=True`` overwrites it
    (same numbering required). Raises :class:`DraftFormatError` listing every problem; on error
    nothing is written.
    """
    lang = doc.language
    if lang not in formats.LANGUAGES:
        raise DraftFormatError([Problem("language", f"must be one of {formats.LANGUAGES}")])
    problems = formats.validate(doc)
    if problems:
        raise DraftFormatError(problems)
    document, _created = Document.objects.select_for_update().get_or_create(slug=document_slug)
    if not getattr(document, f"title_{lang}"):
        setattr(document, f"title_{lang}", doc.title[:300])
        document.save()
    version = Version.objects.filter(document=document, label=version_label).first()
    if version is None:
        previous = Version.objects.filter(document=document).order_by("-created_at", "-id").first()
        version = _version_create(document=document, label=version_label, doc=doc)
        action = "draft_version.import"
        # Apps above drafts (comments) follow the new text: see kenes.drafts.hooks.
        hooks.run_version_imported(version=version, previous=previous, actor=actor)
    else:
        loaded = version.languages
        if lang in loaded and not replace:
            raise DraftFormatError(
                [
                    Problem(
                        f"{document_slug}/{version_label}",
                        f"the {lang} text of this version is already loaded; use --replace to "
                        "overwrite it with a text of the same numbering, or choose a new version label",
                    )
                ]
            )
        base_lang = loaded[0] if loaded else lang
        mismatches = formats.structure_mismatches(version_to_doc(version, base_lang), doc)
        if mismatches:
            raise DraftFormatError(mismatches)
        _version_fill_language(version=version, doc=doc)
        action = "draft_version.replace_language" if lang in loaded else "draft_version.translate"
    audit_record(
        actor=actor,
        action=action,
        target=version,
        data={"language": lang, "articles": len(doc.articles()), "document": document_slug},
    )
    return version


def _version_create(*, document: Document, label: str, doc: DraftDoc) -> Version:
    lang = doc.language
    version = Version.objects.create(
        document=document,
        label=label,
        meta={lang: doc.meta} if doc.meta else {},
        **{f"title_{lang}": doc.title[:300], f"preamble_{lang}": doc.preamble},
    )
    sections = Section.objects.bulk_create(
        Section(
            version=version,
            position=i,
            number=s.number,
            **{f"title_{lang}": s.title, f"notes_{lang}": s.notes},
        )
        for i, s in enumerate(doc.sections)
    )
    articles = []
    position = 0
    for section_obj, s in zip(sections, doc.sections, strict=True):
        for a in s.articles:
            articles.append(
                Article(
                    version=version,
                    section=section_obj,
                    position=position,
                    number=a.number,
                    **{
                        f"title_{lang}": a.title,
                        f"text_{lang}": a.text,
                        f"notes_{lang}": a.notes,
                        f"search_{lang}": a.plain_text(),
                    },
                )
            )
            position += 1
    articles = Article.objects.bulk_create(articles)
    parsed = doc.articles()
    points = Point.objects.bulk_create(
        Point(article=art, position=i, number=p.number, **{f"text_{lang}": p.text})
        for art, a in zip(articles, parsed, strict=True)
        for i, p in enumerate(a.points)
    )
    point_iter = iter(points)
    subpoints = []
    for art, a in zip(articles, parsed, strict=True):
        # One numbering per article: its own subpoints first, then each point's.
        owned: list[tuple[Point | None, formats.Subpoint]] = [(None, sp) for sp in a.subpoints]
        for p in a.points:
            point_obj = next(point_iter)
            owned += [(point_obj, sp) for sp in p.subpoints]
        subpoints += [
            Subpoint(
                article=art, point=pt, position=n, number=sp.number, **{f"text_{lang}": sp.text}
            )
            for n, (pt, sp) in enumerate(owned)
        ]
    Subpoint.objects.bulk_create(subpoints)
    return version


def _version_fill_language(*, version: Version, doc: DraftDoc) -> None:
    """Write ``doc``'s texts into the ``doc.language`` fields of a version of equal structure."""
    lang = doc.language
    setattr(version, f"title_{lang}", doc.title[:300])
    setattr(version, f"preamble_{lang}", doc.preamble)
    if doc.meta:
        version.meta = {**version.meta, lang: doc.meta}
    version.save()
    sections = list(version.sections.order_by("position"))
    for obj, s in zip(sections, doc.sections, strict=True):
        setattr(obj, f"title_{lang}", s.title)
        setattr(obj, f"notes_{lang}", s.notes)
    Section.objects.bulk_update(sections, [f"title_{lang}", f"notes_{lang}"])
    articles = {a.number: a for a in version.articles.all()}
    points = {(p.article_id, p.number): p for p in Point.objects.filter(article__version=version)}
    subs: dict[int, list[Subpoint]] = {}
    for sp in Subpoint.objects.filter(article__version=version).order_by("position"):
        subs.setdefault(sp.article_id, []).append(sp)
    changed_points, changed_subs = [], []
    for a in doc.articles():
        art = articles[a.number]
        setattr(art, f"title_{lang}", a.title)
        setattr(art, f"text_{lang}", a.text)
        setattr(art, f"notes_{lang}", a.notes)
        setattr(art, f"search_{lang}", a.plain_text())
        for p in a.points:
            point = points[(art.pk, p.number)]
            setattr(point, f"text_{lang}", p.text)
            changed_points.append(point)
        texts = [sp.text for sp in a.subpoints] + [sp.text for p in a.points for sp in p.subpoints]
        for sp_obj, text in zip(subs.get(art.pk, []), texts, strict=False):
            setattr(sp_obj, f"text_{lang}", text)
            changed_subs.append(sp_obj)
    Article.objects.bulk_update(
        list(articles.values()),
        [f"title_{lang}", f"text_{lang}", f"notes_{lang}", f"search_{lang}"],
        batch_size=500,
    )
    Point.objects.bulk_update(changed_points, [f"text_{lang}"], batch_size=500)
    Subpoint.objects.bulk_update(changed_subs, [f"text_{lang}"], batch_size=500)
