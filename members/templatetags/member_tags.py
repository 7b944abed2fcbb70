"""Small tags of the member pages: where a branch is, told apart from its namesakes."""

from django import template

from members import selectors

register = template.Library()


@register.filter
def place(area, same_name=()) -> str:
    """ "Ấp 1, Xã Tân Phú" — and ", Huyện Thanh Bình" where the user's area has another Xã Tân Phú."""
    if area is None:
        return ""
    return ", ".join(str(unit) for unit in selectors.branch_place(area, same_name or ()))
