"""python manage.py split_area CODE --effective YYYY-MM-DD --plan FILE.xlsx [--dry-run] [--format text|json]
[--user USERNAME]

The plan's first sheet has the columns "Mã ấp mới", "Tên ấp mới", "Mã chi" (or their English
headings): a row per new hamlet, or per branch of the hamlet and the new hamlet it goes to.
Exit codes: 0 split (or, with --dry-run, planned), 2 bad input (nothing changed).
"""

import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from areas.models import Area, AreaLevel
from areas.plan_file import read_split_plan
from areas.split import plan_hamlet_split, split_hamlet
from core.commands import add_dated_change_arguments, administrator, effective_date, usage_error


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Split a hamlet into new hamlets from an effective date: it ends the day before, the new hamlets "
            "begin in its commune, each of its branches goes to the new hamlet the plan names. Past figures do "
            "not change."
        )

    def add_arguments(self, parser):
        parser.add_argument("code", metavar="CODE", help=_("The hamlet that is split."))
        parser.add_argument("--plan", required=True, help=_("The plan workbook: the new hamlets and their branches."))
        add_dated_change_arguments(parser)

    def handle(self, *args, **options):
        user = administrator(options["user"])
        effective = effective_date(options["effective"])
        hamlet = Area.objects.filter(code=options["code"], level=AreaLevel.HAMLET).select_related("parent").first()
        if hamlet is None:
            raise usage_error(_("No hamlet has the code %(code)s.") % {"code": options["code"]})
        try:
            data = Path(options["plan"]).read_bytes()
        except OSError as error:
            raise usage_error(
                _("Cannot read %(file)s: %(error)s") % {"file": options["plan"], "error": error.strerror}
            ) from None
        try:
            names, branches = read_split_plan(data)
            plan = plan_hamlet_split(hamlet=hamlet, effective_on=effective, names=names, branches=branches)
            event = None if options["dry_run"] else split_hamlet(plan=plan, user=user)
        except ValidationError as error:
            raise usage_error(" ".join(error.messages)) from error
        result = {**plan.data(), "applied": event is not None, "event": event.pk if event else None}
        if options["format"] == "json":
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
            return
        status = (
            _("dry run: nothing changed")
            if event is None
            else _("applied as reorganisation #%(id)s") % {"id": event.pk}
        )
        heading = _("Split of %(area)s from %(date)s") % {
            "area": result["hamlet"]["name"],
            "date": effective.strftime("%d/%m/%Y"),
        }
        lines = [f"{heading} ({status})"]
        for new in result["new_hamlets"]:
            lines.append(f"  → {new['name']} ({new['code']}): {', '.join(new['branches']) or '–'}")
        self.stdout.write("\n".join(lines) + "\n")
