"""The audit log: one row for every state change made by a service function."""

from __future__ import annotations

from enum import StrEnum

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.TextChoices):
    """Where a background job (an analysis run, a report build) stands."""

    # Waiting for the task worker.
    QUEUED = "queued", _("queued")
    # Working; a job may say how far it is.
    RUNNING = "running", _("running")
    # Finished; its result is ready.
    DONE = "done", _("done")
    # Stopped with an error (kept with the job).
    FAILED = "failed", _("failed")


class AuditAction(StrEnum):
    """The closed list of audited actions (``AuditEntry.action``), one per service that audits.

    Ledger events have their own list (``kenes.ledger.events.EventKind``); review state changes
    are ``proposals.StateChange`` rows. A service may only record an action listed here.
    """

    STAFF_USER_CREATE = "staff_user.create"
    API_TOKEN_CREATE = "api_token.create"  # noqa: S105 - an action name, not a secret
    DRAFT_VERSION_IMPORT = "draft_version.import"
    DRAFT_VERSION_TRANSLATE = "draft_version.translate"
    DRAFT_VERSION_REPLACE_LANGUAGE = "draft_version.replace_language"
    PROPOSALS_IMPORT = "proposals.import"
    GEO_KATO_IMPORT = "geo.kato_import"
    GEO_POPULATION_IMPORT = "geo.population_import"
    COALITION_ORGANISATION_CREATE = "coalition.organisation_create"
    COALITION_ORGANISATION_UPDATE = "coalition.organisation_update"
    COALITION_BRANCH_CREATE = "coalition.branch_create"
    COALITION_CONTACT_ADD = "coalition.contact_add"
    COALITION_ORGANISER_LINK = "coalition.organiser_link"
    COALITION_LOGO_SET = "coalition.logo_set"
    OUTREACH_MEETING_PLAN = "outreach.meeting_plan"
    OUTREACH_MEETING_CANCEL = "outreach.meeting_cancel"
    OUTREACH_MEETING_REPORT = "outreach.meeting_report"
    OUTREACH_PHOTO_ADD = "outreach.photo_add"
    OUTREACH_PROPOSALS_ADD = "outreach.proposals_add"
    OUTREACH_OFFLINE_SYNC = "outreach.offline_sync"
    INSIGHTS_RUN_FULL = "insights.run_full"
    INSIGHTS_RUN_QUEUED = "insights.run_queued"
    INSIGHTS_LINK_SET = "insights.link_set"
    INSIGHTS_LINK_REMOVE = "insights.link_remove"
    INSIGHTS_CAMPAIGN_SPLIT = "insights.campaign_split"
    INSIGHTS_THEME_SPLIT = "insights.theme_split"
    INSIGHTS_CAMPAIGN_MERGE = "insights.campaign_merge"
    INSIGHTS_THEME_MERGE = "insights.theme_merge"
    LEDGER_WITNESS_ADD = "ledger.witness_add"
    LEDGER_WITNESS_SET_ACTIVE = "ledger.witness_set_active"
    COALITION_CONTACT_READ = "coalition.contact_read"
    PROPOSALS_CONTACT_READ = "proposals.contact_read"
    PROPOSAL_HIDE = "proposal.hide"
    PROPOSAL_PUBLISH = "proposal.publish"
    PROPOSAL_REPORTS_DISMISS = "proposal.reports_dismiss"
    ACCOUNTS_TOTP_CREATED = "accounts.totp_created"
    ACCOUNTS_TOTP_CHANGED = "accounts.totp_changed"
    ACCOUNTS_TOTP_DELETED = "accounts.totp_deleted"
    CITIZEN_ERASED = "citizen.erased"
    CONSENT_WITHDRAWN = "consent.withdrawn"
    CONSULTATION_CREATE = "consultation.create"
    CONSULTATION_CHANGE = "consultation.change"
    CONSULTATION_DELETE = "consultation.delete"
    COUNTERS_REBUILD = "counters.rebuild"
    CHANGE_LINKS_CONFIRM = "change_links.confirm"
    COMMENT_SUBMIT = "comment.submit"
    COMMENT_MODERATE = "comment.moderate"
    COMMENTS_CARRY = "comments.carry"
    REPORTS_BUILD_QUEUED = "reports.build_queued"
    REPORTS_BUILD_STARTED = "reports.build_started"
    REPORTS_BUILD_DONE = "reports.build_done"
    REPORTS_NOTE_SAVED = "reports.note_saved"
    REPORTS_NOTE_REMOVED = "reports.note_removed"
    DELIBERATION_CONVERSATION_CREATE = "deliberation.conversation.create"
    DELIBERATION_CONVERSATION_EDIT = "deliberation.conversation.edit"
    DELIBERATION_CONVERSATION_STATUS = "deliberation.conversation.status"
    DELIBERATION_CONVERSATION_IMPORT = "deliberation.conversation.import"
    DELIBERATION_STATEMENT_SEED = "deliberation.statement.seed"
    DELIBERATION_STATEMENT_MODERATE = "deliberation.statement.moderate"
    DELIBERATION_VOTES_LOAD = "deliberation.votes.load"
    DELIBERATION_RESULT_PUBLISH = "deliberation.result.publish"


class AuditEntry(models.Model):
    """A state change, written by the service that made it, in the same transaction.

    ``actor`` is the user who initiated the change (None for the system itself, e.g. an
    import run from the command line); ``actor_label`` keeps a readable name even if the
    user is later removed. Rows are never updated or deleted by the application.
    """

    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("object type"), max_length=64)
    target_id = models.CharField(_("object id"), max_length=64)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"{self.action} {self.target_type}:{self.target_id}"
