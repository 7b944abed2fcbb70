from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RatingsConfig(AppConfig):
    name = "ratings"
    verbose_name = _("Ratings")

    def ready(self):
        from core import panels

        from . import member_panels

        panels.section("branch")(member_panels.branch_section)
        panels.section("area")(member_panels.area_section)
        panels.membership_section(member_panels.membership_sections)
