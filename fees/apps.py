from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeesConfig(AppConfig):
    name = "fees"
    verbose_name = _("Fees")

    def ready(self):
        from core import panels

        from . import panels as fee_panels

        panels.section("branch")(fee_panels.branch_fees)
        panels.membership_section(fee_panels.membership_fees)
