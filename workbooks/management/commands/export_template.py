"""python manage.py export_template KIND -o FILE.xlsx

KIND is an import kind, or ``reorganization``: the plan of a reform for old provinces
(``--province CODE ...``), one row per hamlet of a divided commune.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from areas.models import REFORM_2025
from areas.plan_file import plan_workbook
from areas.reform import plan_reform
from workbooks.models import ImportKind
from workbooks.templates import template

REORGANIZATION = "reorganization"


class Command(BaseCommand):
    help = (
        "Write the Excel template of a kind of workbook (areas, branches, members, targets, ratings, officers, fees), "
        "or the plan of a reorganisation (reorganization --province CODE)."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=[*ImportKind.values, REORGANIZATION])
        parser.add_argument("-o", "--output", required=True, help="The .xlsx file to write.")
        parser.add_argument(
            "--province", dest="province_codes", metavar="CODE", nargs="+", action="extend", help="Old provinces."
        )

    def handle(self, *args, kind, output, province_codes, **options):
        if kind == REORGANIZATION:
            try:
                content = plan_workbook(plan_reform(effective_on=REFORM_2025, province_codes=province_codes))
            except ValidationError as error:
                raise CommandError(" ".join(error.messages), returncode=2) from error
        elif province_codes:
            raise CommandError(_("Only the reorganization plan takes --province."), returncode=2)
        else:
            content = template(kind)
        Path(output).write_bytes(content)
        self.stdout.write(output)
