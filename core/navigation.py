"""The main menu and breadcrumbs every page shows."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# (url name, label). Labels follow the SPEC's menu.
MAIN_MENU = [
    ("home", _("Overview")),
    ("branches:browse", _("Branches")),
    ("members:search", _("Members")),
    ("meetings:overview", _("Meetings")),
    ("cadres:list", pgettext_lazy("menu", "Cadres")),
    ("ratings:grid", _("Ratings")),
    ("reports:index", _("Reports")),
    ("workbooks:import", _("Excel import")),
]
# The page of users who attend meetings as cadres (accounts of the cadre role).
CADRE_MENU = [("cadres:mine", _("My duty"))]
# Pages of administrators only.
ADMIN_MENU = [("areas:reorganisations", _("Reorganisations"))]


def main_menu(request) -> dict:
    if not request.user.is_authenticated:
        return {}
    current = request.path
    menu = (CADRE_MENU if getattr(request.user, "is_cadre", False) else []) + MAIN_MENU
    items = [
        {"url": reverse(name), "label": label, "active": False}
        for name, label in menu + (ADMIN_MENU if request.user.sees_everything else [])
    ]
    # The item whose address is the longest start of the page's (one item lit, whatever the prefixes).
    matching = [
        item for item in items if current == item["url"] or (item["url"] != "/" and current.startswith(item["url"]))
    ]
    if matching:
        max(matching, key=lambda item: len(item["url"]))["active"] = True
    return {"main_menu": items}


def area_breadcrumbs(area, url_name: str, *, user, ancestors=None, **url_kwargs) -> list[dict]:
    """Breadcrumbs from the user's own area down to ``area``, each a link to ``url_name``.

    ``ancestors`` are the area's ancestors and itself, top first (default: where it sits now;
    a report of a past date passes the tree of that date). Ancestors above the user's
    scope are left out: the user cannot open them.
    """
    top = None if user.sees_everything or user.area is None else user.area.path
    crumbs = []
    for ancestor in area.ancestors() if ancestors is None else ancestors:
        # An area that ended is the user's if what it held is now in their area.
        if top and not (ancestor.path.startswith(top) or ancestor.successor_path.startswith(top)):
            continue
        crumbs.append({"label": str(ancestor), "url": reverse(url_name, kwargs={"key": ancestor.key, **url_kwargs})})
    return crumbs
