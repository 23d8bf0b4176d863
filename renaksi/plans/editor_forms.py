"""The editor's forms: one per level of the tree, the decree, and what a row's edit offers
(moving it under another parent, resolving its findings). The services in ``editing`` check
everything again; the forms give each field its label, widget and first check."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from renaksi.core.validators import TextFieldsMixin
from renaksi.work.models import EvidenceKind

from . import editing
from .models import ActionPlan, ChangeArea, Indicator

TEXTAREA_FIELDS = {"name", "text", "target_text", "output_text", "note", "decree_title"}


class DecimalCommaField(forms.DecimalField):
    """A decimal that also accepts a comma as the decimal sign ("2,5"), as Indonesians write
    it; a dot stays a decimal sign (never a thousands separator)."""

    def to_python(self, value):
        if isinstance(value, str) and "," in value and "." not in value:
            value = value.replace(",", ".")
        return super().to_python(value)


def _widgets(names) -> dict:
    return {name: forms.Textarea(attrs={"rows": 3}) for name in names if name in TEXTAREA_FIELDS}


class VersionedForm(TextFieldsMixin, forms.Form):
    """A form that carries the version of the row the person saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def values(self) -> dict:
        """The cleaned values the service takes (without the form's own fields)."""
        skip = {"version", "parent", "resolve"}
        return {name: value for name, value in self.cleaned_data.items() if name not in skip}


def row_form_class(level: str, *, adding: bool) -> type[VersionedForm]:
    """The form class of ``level``: its editable fields, plus version (when editing)."""
    model = editing.LEVEL_MODELS[level]
    names = editing.EDIT_FIELDS[level]
    fields = forms.fields_for_model(model, fields=names, widgets=_widgets(names))
    if "number" in fields:
        fields["number"] = forms.IntegerField(
            label=_("Nomor"),
            min_value=1,
            max_value=editing.NUMBER_MAX,
            required=not adding or level == "area",
            help_text=_("Kosongkan untuk nomor berikutnya.") if adding else "",
        )
    if level == "area":
        fields["change_area"] = forms.ModelChoiceField(
            queryset=ChangeArea.objects.order_by("number"), label=_("Area perubahan baku")
        )
        if adding:
            fields["name"].required = False
            fields["name"].help_text = _("Kosongkan untuk memakai nama area baku.")
            fields["number"].required = False
            fields["number"].help_text = _("Kosongkan untuk nomor area baku.")
    if level == "indicator":
        fields["target_value"] = DecimalCommaField(
            label=_("Nilai target"),
            max_digits=12,
            decimal_places=2,
            required=False,
            help_text=_(
                "Persentase 0–100; jumlah dan dokumen bilangan bulat; kosongkan bila tidak ada."
            ),
        )
        fields["kind"].choices = [("", _("(tidak ada)")), *Indicator.Kind.choices]
        fields["expected_evidence"] = forms.MultipleChoiceField(
            label=_("Bukti dukung yang diharapkan"),
            choices=EvidenceKind.choices,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text=_("Jenis bukti dukung yang harus ada untuk indikator ini."),
        )
    attrs = dict(fields)
    if adding:
        attrs["version"] = None  # a new row has no version
    return type(f"{model.__name__}EditorForm", (VersionedForm,), attrs)


def make_row_form(
    level: str,
    *,
    data=None,
    obj=None,
    plan: ActionPlan,
    parents=None,
    findings=(),
):
    """The form to edit ``obj`` (or to add a row of ``level`` when ``obj`` is None).

    ``parents``: the rows it may move under (another area, activity or sub-activity);
    ``findings``: its open findings, offered to be marked resolved.
    """
    adding = obj is None
    form_class = row_form_class(level, adding=adding)
    initial = {}
    if obj is not None:
        initial = {name: getattr(obj, name) for name in editing.EDIT_FIELDS[level]}
        initial["version"] = obj.version
        if level == "area":
            initial["change_area"] = obj.change_area_id
    form = form_class(data=data, initial=initial)
    if level == "area":
        taken = plan.areas.exclude(pk=obj.pk if obj else None).values_list(
            "change_area_id", flat=True
        )
        form.fields["change_area"].queryset = ChangeArea.objects.exclude(pk__in=taken).order_by(
            "number"
        )
    if parents is not None and obj is not None and level != "area":
        parent_id = getattr(obj, editing.PARENT_FIELD[level] + "_id")
        form.fields["parent"] = forms.TypedChoiceField(
            label=_("Induk"),
            coerce=int,
            choices=[(pk, label) for pk, label in parents],
            initial=parent_id,
            help_text=_("Pilih induk lain untuk memindahkan baris ini (ke urutan terakhir)."),
        )
    if findings:
        form.fields["resolve"] = forms.TypedMultipleChoiceField(
            label=_("Temuan impor pada baris ini"),
            coerce=int,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            choices=[
                (finding.pk, f"{finding.kind_label}: {finding.display_message}")
                for finding in findings
            ],
            initial=[finding.pk for finding in findings],
            help_text=_("Yang dicentang ditandai selesai saat baris ini disimpan."),
        )
    return form


class DecreeForm(VersionedForm):
    """The decree fields of a plan; each clause list is one item per line ("a. …")."""

    def __init__(self, *args, plan: ActionPlan, **kwargs):
        names = [name for name in editing.DECREE_FIELDS if name not in editing.CLAUSE_FIELDS]
        initial = {name: getattr(plan, name) for name in names}
        for name in editing.CLAUSE_FIELDS:
            initial[name] = editing.clauses_as_text(getattr(plan, name))
        initial["version"] = plan.version
        kwargs.setdefault("initial", initial)
        fields = forms.fields_for_model(
            ActionPlan,
            fields=names,
            widgets={
                **_widgets(names),
                "decree_subject": forms.Textarea(attrs={"rows": 2}),
                "decree_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            },
        )
        for name in editing.CLAUSE_FIELDS:
            fields[name] = forms.CharField(
                label=ActionPlan._meta.get_field(name).verbose_name.capitalize(),
                required=False,
                widget=forms.Textarea(attrs={"rows": 4}),
                help_text=_('Satu butir per baris, diawali nomornya ("a.", "1.").'),
            )
        fields["schedule_kind"].help_text = _(
            "Triwulan menjadi tiga bulannya; bulan menjadi triwulan hanya bila mengisi "
            "triwulan utuh."
        )
        # Left empty, the day stays as saved (a client that does not send it changes nothing).
        fields["report_due_day"].required = False
        self.base_fields = {**fields, "version": VersionedForm.base_fields["version"]}
        super().__init__(*args, **kwargs)

    def values(self) -> dict:
        values = super().values()
        if values.get("report_due_day") is None:
            values.pop("report_due_day", None)
        return values
