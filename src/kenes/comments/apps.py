from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommentsConfig(AppConfig):
    name = "kenes.comments"
    verbose_name = _("Comments on points")
    demo_seed = "kenes.comments.seed:seed"
    demo_order = 66

    def ready(self) -> None:
        # When a new version of a document is imported, carry every comment's anchor to the
        # matching point of the new text (kenes.drafts.hooks; drafts never imports comments).
        from kenes.comments.services import comments_carry_hook
        from kenes.drafts.hooks import register_version_imported

        register_version_imported("comments.carry", comments_carry_hook)
