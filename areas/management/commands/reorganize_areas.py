"""python manage.py reorganize_areas --effective YYYY-MM-DD [--province CODE ...] [--plan FILE.xlsx]
[--dry-run] [--format text|json] [--user USERNAME] | --undo [ID]

Exit codes: 0 applied (or, with --dry-run, planned; or nothing to do), 2 bad input
(nothing changed).
"""

import datetime
import hashlib
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from areas.models import Reorganization
from areas.plan_file import read_plan
from areas.reform import apply_reform, plan_reform, reform_data, undo_reorganization
from core.commands import administrator, effective_date, usage_error


def _day(text: str) -> str:
    return datetime.date.fromisoformat(text).strftime("%d/%m/%Y")


class Command(BaseCommand):
    @property
    def help(self) -> str:
        return _(
            "Apply the 2025 reform to old provinces from an effective date: end the old provinces, districts "
            "and communes the day before, begin the new units and move every hamlet, with its branches, into "
            "its successor. Past figures do not change."
        )

    def add_arguments(self, parser):
        parser.add_argument("--effective", help=_("The effective date, YYYY-MM-DD (the reform: 2025-07-01)."))
        parser.add_argument(
            "--province",
            dest="province_codes",
            metavar="CODE",
            nargs="+",
            action="extend",
            help=_("Old province codes (default: every old province that has hamlets)."),
        )
        parser.add_argument(
            "--plan", help=_("The plan workbook: the new commune of each hamlet of a divided commune.")
        )
        parser.add_argument("--dry-run", action="store_true", help=_("Show what would move; change nothing."))
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--user", help=_("The administrator recorded as having applied it."))
        parser.add_argument(
            "--undo",
            nargs="?",
            const="latest",
            metavar="ID",
            help=_("Undo a reorganisation (default: the latest), if nothing was entered in the new units since."),
        )

    def handle(self, *args, **options):
        user = administrator(options["user"])
        try:
            if options["undo"]:
                return self._undo(options["undo"], user)
            effective = effective_date(options["effective"])
            plan, name, digest = self._plan(options["plan"])
            result = plan_reform(effective_on=effective, province_codes=options["province_codes"], plan=plan)
            event = None
            if not options["dry_run"]:
                event = apply_reform(result, user=user, plan_name=name, plan_sha256=digest)
        except ValidationError as error:
            raise usage_error(" ".join(error.messages)) from error
        data = event.summary if event is not None else reform_data(result)
        data = {**data, "applied": event is not None, "event": event.pk if event else None}
        if options["format"] == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render_text(data, nothing_to_do=result.nothing_to_do, dry_run=options["dry_run"]))

    def _plan(self, path):
        if not path:
            return None, "", ""
        try:
            data = Path(path).read_bytes()
        except OSError as error:
            raise usage_error(_("Cannot read %(file)s: %(error)s") % {"file": path, "error": error.strerror}) from None
        return read_plan(data), Path(path).name, hashlib.sha256(data).hexdigest()

    def _undo(self, which, user):
        events = Reorganization.objects.filter(undone_at__isnull=True)
        event = events.first() if which == "latest" else events.filter(pk=which if which.isdigit() else 0).first()
        if event is None:
            raise usage_error(_("There is no reorganisation to undo."))
        undo_reorganization(event, user=user)
        self.stdout.write(_("Undone: %(event)s (#%(id)d).") % {"event": event, "id": event.pk})


def _hamlets(commune: dict) -> int:
    return sum(len(entry["hamlets"]) for entry in commune["receives"])


def render_text(data: dict, *, nothing_to_do: bool, dry_run: bool) -> str:
    """The dry run for a terminal: per new commune, the old communes and hamlets it receives."""
    lines = []
    if nothing_to_do:
        for province in data["already_reorganised"]:
            lines.append(
                _("%(area)s (%(code)s) was reorganised already (in force until %(date)s); nothing changed.")
                % {"area": province["name"], "code": province["code"], "date": _day(province["until"])}
            )
        return "\n".join(lines or [_("There is nothing to reorganise; nothing changed.")]) + "\n"
    heading = _("Reorganisation from %(date)s") % {"date": _day(data["effective_on"])}
    if dry_run:
        status = _("dry run: nothing changed")
    else:
        status = _("applied as reorganisation #%(id)s") % {"id": data["event"]}
    lines.append(f"{heading} ({status})")
    lines.append(
        _("Old provinces: %(provinces)s")
        % {"provinces": ", ".join(f"{p['name']} ({p['code']})" for p in data["old_provinces"])}
    )
    counts = {"branches": _("branches"), "memberships": _("memberships")}

    def figures(item: dict) -> str:
        return " · ".join(f"{item[key]} {label}" for key, label in counts.items())

    for province in data["new_provinces"]:
        lines.append("")
        lines.append(f"{province['name']} ({province['code']})")
        # Communes that receive old communes without hamlets or branches are only counted.
        empty = [c for c in province["communes"] if not (c["branches"] or c["memberships"] or _hamlets(c))]
        for commune in province["communes"]:
            if commune in empty:
                continue
            hamlets = _hamlets(commune)
            count = ngettext("%(count)d hamlet", "%(count)d hamlets", hamlets) % {"count": hamlets}
            lines.append(f"  {commune['name']} ({commune['code']}): {count} · {figures(commune)}")
            for entry in commune["receives"]:
                part = "" if entry["kind"] != "split" else " " + _("(part)")
                lines.append(f"    ← {entry['name']} ({entry['code']}){part}: {figures(entry)}")
                for hamlet in entry["hamlets"]:
                    review = " " + _("[to review]") if hamlet["to_review"] and not hamlet["from_plan"] else ""
                    lines.append(f"        {hamlet['name']} ({hamlet['code']}): {figures(hamlet)}{review}")
        if empty:
            count = len(empty)
            lines.append(
                "  "
                + ngettext(
                    "%(count)d more new commune receives old communes without hamlets or branches.",
                    "%(count)d more new communes receive old communes without hamlets or branches.",
                    count,
                )
                % {"count": count}
            )
    if data["to_review"]:
        lines += ["", _("Hamlets of divided communes (choose in the plan, else the default applies):")]
        for move in data["to_review"]:
            others = ", ".join(f"{c['name']} ({c['code']})" for c in move["candidates"])
            lines.append(
                f"  {move['hamlet']['name']} ({move['hamlet']['code']}), {move['old_commune']['name']}: "
                f"→ {move['new_commune']['name']} ({move['new_commune']['code']}) "
                + (_("from the plan") if move["from_plan"] else _("by default"))
                + "; "
                + _("candidates: %(candidates)s") % {"candidates": others}
            )
    if data["review"]:
        lines += ["", _("Accounts:")]
        for account in data["review"]:
            if account["action"] == "moved":
                what = _("moves to %(area)s") % {"area": f"{account['to']['name']} ({account['to']['code']})"}
            else:
                what = _("made inactive until an administrator gives it an area")
            lines.append(f"  {account['username']} ({account['role']}, {account['area']['name']}): {what}")
    return "\n".join(lines) + "\n"
