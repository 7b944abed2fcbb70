"""python manage.py merge_branches --into CODE --from CODE [CODE ...] --effective YYYY-MM-DD [--dry-run]
[--format text|json]

Exit codes: 0 merged (or, with --dry-run, previewed), 2 bad input (nothing changed).
"""

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from branches.models import Branch
from core.commands import add_dated_change_arguments, effective_date, usage_error
from members.merge import merge_branches, plan_branch_merge


def _branch(code: str) -> Branch:
    branch = Branch.objects.filter(code=code).select_related("area", "organization").first()
    if branch is None:
        raise usage_error(_("No branch has the code %(code)s.") % {"code": code})
    return branch


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Merge branches of one organization into one from an effective date: the others are dissolved "
            "that day, their current members transferred into the surviving branch, their officers' terms "
            "ended the day before. Past figures do not change."
        )

    def add_arguments(self, parser):
        add_dated_change_arguments(
            parser, into_help=_("The branch that remains."), from_help=_("The branches merged into it."), user=False
        )

    def handle(self, *args, **options):
        effective = effective_date(options["effective"])
        into = _branch(options["into"])
        branches = [_branch(code) for code in options["from_codes"]]
        try:
            if options["dry_run"]:
                plan = plan_branch_merge(into=into, branches=branches, effective_on=effective)
            else:
                plan = merge_branches(into=into, branches=branches, effective_on=effective)
        except ValidationError as error:
            raise usage_error(" ".join(error.messages)) from error
        data = {**plan.data(), "applied": not options["dry_run"]}
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        heading = _("Merge of branches from %(date)s") % {"date": effective.strftime("%d/%m/%Y")}
        status = _("dry run: nothing changed") if options["dry_run"] else _("applied")
        lines = [f"{heading} ({status})", f"→ {data['into']['name']} ({data['into']['code']})"]
        for branch in data["merged"]:
            lines.append("  ← " + _("%(name)s (%(code)s): %(members)d members move") % branch)
        for officer in data["officers_ending"]:
            note = " " + _("(keeps a term in the surviving branch)") if officer["in_both"] else ""
            lines.append(
                "  "
                + _("Term ends: %(person)s, %(role)s of %(branch)s")
                % {"person": officer["person"], "role": officer["role"], "branch": officer["branch"]["name"]}
                + note
            )
        self.stdout.write("\n".join(lines) + "\n")
