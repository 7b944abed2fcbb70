from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self):
        from django.db.backends.signals import connection_created

        from areas.reorganization import register

        from .reorganization import MembersParticipant
        from .selectors import register_sqlite_fold

        register("members", MembersParticipant())
        # The accent-insensitive search of branches (selectors.Folded) on SQLite.
        connection_created.connect(register_sqlite_fold, dispatch_uid="members.sqlite_fold")
