"""Sections that the apps above add to the pages of the apps below — a person's fees, cards,
awards and letters on the person's page, the member book's links on a branch's or an area's
page — so that those apps show them without importing the apps above: each app registers
its providers in its ``AppConfig.ready``, as pretix's plugins answer a signal.

A provider of a place ("person", "branch", "area") takes that page's object and the user
as keywords (``person=``, ``branch=``, ``area=``, ``user=``) and returns a ``Section`` or
None; a membership provider takes all the memberships shown and returns a section per
membership id, so that its queries do not grow with the memberships.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    template: str
    data: dict = field(default_factory=dict)
    order: int = 0


PLACES = ("person", "branch", "area")
_providers: dict[str, list[Callable]] = {place: [] for place in PLACES}
_membership_providers: list[Callable] = []


def section(place: str) -> Callable[[Callable], Callable]:
    def register(provider: Callable) -> Callable:
        if provider not in _providers[place]:
            _providers[place].append(provider)
        return provider

    return register


def membership_section(provider: Callable) -> Callable:
    if provider not in _membership_providers:
        _membership_providers.append(provider)
    return provider


def sections(place: str, **objects) -> list[Section]:
    found = (provider(**objects) for provider in _providers[place])
    return sorted((section for section in found if section is not None), key=lambda section: section.order)


def membership_sections(*, memberships: Iterable, user) -> dict[int, list[Section]]:
    memberships = list(memberships)
    sections: dict[int, list[Section]] = {membership.pk: [] for membership in memberships}
    if not memberships:
        return sections
    for provider in _membership_providers:
        for pk, section in provider(memberships=memberships, user=user).items():
            sections[pk].append(section)
    for found in sections.values():
        found.sort(key=lambda section: section.order)
    return sections
