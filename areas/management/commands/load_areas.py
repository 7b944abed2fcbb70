from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from areas.models import Structure
from areas.services import load_official_areas


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Load the official provinces, districts and communes shipped with the project "
            "(areas/data). Running it again updates what changed and creates nothing twice."
        )

    def add_arguments(self, parser):
        parser.add_argument(
            "--structure",
            choices=Structure.values,
            default=Structure.PRE_2025.value,
            help=_(
                "Which structure to load: 'pre2025' (province, district, commune) or '2025' "
                "(province, commune). Default: pre2025. Both may be loaded into the same database; "
                "reorganize_areas then moves the hamlets from one to the other on a date."
            ),
        )
        parser.add_argument(
            "--province",
            dest="province_codes",
            metavar="CODE",
            nargs="+",
            action="extend",
            help=_("Load only these provinces, by code (87 for Đồng Tháp before 2025). Default: all."),
        )

    def handle(self, *args, structure, province_codes, **options):
        try:
            result = load_official_areas(structure=structure, province_codes=province_codes)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        self.stdout.write(
            _("Official areas (%(structure)s): %(created)d created, %(updated)d updated, %(unchanged)d unchanged.")
            % {
                "structure": Structure(structure).label,
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            }
        )
