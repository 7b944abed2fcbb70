from django import forms
from django.utils.translation import gettext_lazy as _

from core.forms import DateField, StyledFormMixin, use_project_messages

from .models import FeeCategory
from .selectors import Grid
from .services import FeeCell


class FeeGridForm(StyledFormMixin, forms.Form):
    """A page of the collection grid: per owed cell a tick ("paid in full") and an amount; one date
    and collector for the cells entered. A paid-in-full cell is drawn ticked, a part payment with
    its amount."""

    paid_on = DateField(label=_("Paid on"), required=False)
    collected_by = forms.CharField(label=_("Collected by"), max_length=100, required=False)
    stamp = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, grid: Grid, today):
        super().__init__(data, initial={"paid_on": today, "stamp": grid.stamp})
        self.grid = grid
        self.fields["collected_by"].widget.attrs["placeholder"] = _("the collector's name")
        for row in grid.rows:
            for cell in row.cells:
                if cell is None or cell.due <= 0:
                    continue
                payment = cell.payment
                prefix = cell.field_prefix
                month = _("month %(month)s") % {"month": cell.month}
                full = forms.BooleanField(required=False, initial=bool(payment) and cell.full)
                full.widget.attrs["aria-label"] = _("%(member)s, %(month)s: paid in full") % {
                    "member": row.full_name,
                    "month": month,
                }
                amount = forms.IntegerField(
                    required=False, localize=True, initial=payment.amount if payment and not cell.full else None
                )
                amount.widget.attrs.update(
                    {
                        "inputmode": "numeric",
                        "class": "form-control-sm w-6rem",
                        "aria-label": _("%(member)s, %(month)s: amount paid (đồng)")
                        % {"member": row.full_name, "month": month},
                    }
                )
                self.fields[f"{prefix}_full"], self.fields[f"{prefix}_amount"] = full, amount
        # The cells came after the mixin styled the form: their classes and messages now.
        use_project_messages(self)
        for name, field in self.fields.items():
            if name not in ("paid_on", "collected_by", "stamp"):
                css = "form-check-input" if isinstance(field.widget, forms.CheckboxInput) else "form-control"
                field.widget.attrs["class"] = f"{field.widget.attrs.get('class', '')} {css}".strip()

    def bound(self, cell, name: str):
        key = f"{cell.field_prefix}_{name}"
        return self[key] if key in self.fields else None

    def cells(self) -> list[FeeCell]:
        """Every editable cell of the page as entered."""
        data = self.cleaned_data
        return [
            FeeCell(
                membership_id=cell.membership_id,
                month=cell.month,
                full=data.get(f"{cell.field_prefix}_full", False),
                amount=data.get(f"{cell.field_prefix}_amount"),
            )
            for row in self.grid.rows
            for cell in row.cells
            if cell is not None and f"{cell.field_prefix}_full" in self.fields
        ]


class CategoryForm(StyledFormMixin, forms.Form):
    category = forms.ModelChoiceField(label=_("Fee category"), queryset=FeeCategory.objects.none(), empty_label=None)
    valid_from = DateField(label=_("From"))

    def __init__(self, data=None, *, organization, today):
        super().__init__(data, initial={"valid_from": today.replace(day=1)})
        self.fields["category"].queryset = FeeCategory.objects.filter(organization=organization).order_by(
            "sort_order", "code"
        )
