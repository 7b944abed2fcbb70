"""python manage.py export_template KIND -o FILE.xlsx"""

from pathlib import Path

from django.core.management.base import BaseCommand

from workbooks.models import ImportKind
from workbooks.templates import template


class Command(BaseCommand):
    help = "Write the Excel template of a kind of workbook (areas, branches, members, targets, ratings, officers)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=ImportKind.values)
        parser.add_argument("-o", "--output", required=True, help="The .xlsx file to write.")

    def handle(self, *args, kind, output, **options):
        Path(output).write_bytes(template(kind))
        self.stdout.write(output)
