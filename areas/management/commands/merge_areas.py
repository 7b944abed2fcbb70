"""python manage.py merge_areas --into CODE --from CODE [CODE ...] --effective YYYY-MM-DD [--dry-run]
[--format text|json] [--user USERNAME]

Exit codes: 0 merged (or, with --dry-run, planned), 2 bad input (nothing changed).
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from areas.merge import merge_hamlets, plan_hamlet_merge
from areas.models import Area, AreaLevel
from core.commands import add_dated_change_arguments, administrator, effective_date, usage_error


def _hamlet(code: str) -> Area:
    # A hamlet's code is its own in every structure.
    hamlet = Area.objects.filter(code=code, level=AreaLevel.HAMLET).select_related("parent").first()
    if hamlet is None:
        raise usage_error(_("No hamlet has the code %(code)s.") % {"code": code})
    return hamlet


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Merge hamlets into one from an effective date: the merged hamlets end the day before, the "
            "surviving hamlet takes their branches and the targets of the following years. Past figures do "
            "not change."
        )

    def add_arguments(self, parser):
        add_dated_change_arguments(
            parser, into_help=_("The hamlet that remains."), from_help=_("The hamlets merged into it.")
        )

    def handle(self, *args, **options):
        user = administrator(options["user"])
        effective = effective_date(options["effective"])
        into = _hamlet(options["into"])
        hamlets = [_hamlet(code) for code in options["from_codes"]]
        try:
            plan = plan_hamlet_merge(into=into, hamlets=hamlets, effective_on=effective)
            event = None if options["dry_run"] else merge_hamlets(plan=plan, user=user)
        except ValidationError as error:
            raise usage_error(" ".join(error.messages)) from error
        data = {**plan.data(), "applied": event is not None, "event": event.pk if event else None}
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        heading = _("Merge of hamlets from %(date)s") % {"date": effective.strftime("%d/%m/%Y")}
        status = (
            _("dry run: nothing changed")
            if event is None
            else _("applied as reorganisation #%(id)s") % {"id": event.pk}
        )
        lines = [f"{heading} ({status})", f"→ {data['into']['name']} ({data['into']['code']})"]
        for hamlet in data["merged"]:
            lines.append(
                "  ← "
                + _("%(name)s (%(code)s): %(branches)d branches · %(memberships)d memberships")
                % {**hamlet, "branches": hamlet["branches"], "memberships": hamlet["memberships"]}
            )
        self.stdout.write("\n".join(lines) + "\n")
