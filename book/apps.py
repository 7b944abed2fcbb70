from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BookConfig(AppConfig):
    name = "book"
    verbose_name = _("Member book")

    def ready(self):
        from .panels_cards import register_cards_and_awards
        from .panels_letters import register_letters_and_ageing

        register_cards_and_awards()
        register_letters_and_ageing()
