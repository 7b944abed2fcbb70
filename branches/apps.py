from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = _("Branches")

    def ready(self):
        from areas.reorganization import register

        from .reorganization import BranchesParticipant

        register("branches", BranchesParticipant())
