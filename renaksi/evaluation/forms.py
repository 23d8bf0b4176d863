"""Forms of the self-assessment pages (views_assessment.py).

The forms only parse what the browser sent; the rules (an option of the item, whole counts
no larger than the denominator, a reason where a reviewer differs, verified evidence only)
live in services.py, whose errors the views put back on these fields. The answer of a
percentage item is one field per count ("count_numerator" …); its errors show on the group
(the service's key ``answer``).
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from renaksi.core.validators import TextFieldsMixin
from renaksi.work.forms_realisation import ACCEPT, MultipleFileField

from .models import NUMBER_SCALE, OPTION_CODES, AnswerType, Node, Tier
from .services import JUSTIFICATION_MAX_LENGTH, count_names, link_inputs


def option_choices(item: Node) -> list[tuple[str, str]]:
    """(code, label) of an option item: its own labels, else the bare codes."""
    if item.options:
        return [
            (
                str(option["code"]).lower(),
                f"{str(option['code']).upper()}. {option.get('label') or ''}".strip(" ."),
            )
            for option in item.options
        ]
    codes = OPTION_CODES.get(item.answer_type, ())
    return [(code, code.upper() if len(code) == 1 else code.capitalize()) for code in codes]


def is_option_item(item: Node) -> bool:
    return bool(item.options) or item.answer_type in OPTION_CODES


class AnswerForm(TextFieldsMixin, forms.Form):
    """One tier's answer to one item. ``evidence_choices``: (id, label) of the evidence the
    answer may link (already linked first); only for the self tier."""

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    tier = forms.CharField(widget=forms.HiddenInput)
    justification = forms.CharField(
        label=_("Penjelasan / alasan"),
        required=False,
        max_length=JUSTIFICATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, item: Node, tier: str, *args, evidence_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.tier_value = tier
        self.count_fields: list[str] = []
        if tier != Tier.SELF:
            self.fields["justification"].label = _("Catatan / alasan nilai")
            self.fields["justification"].help_text = _(
                "Wajib bila nilai berbeda dari penilaian mandiri."
            )
        if is_option_item(item):
            # A CharField: an answer outside the options reaches the scorer, whose message
            # names the item code.
            self.fields["option"] = forms.CharField(
                label=_("Jawaban"),
                required=False,
                max_length=20,
                widget=forms.RadioSelect(
                    choices=[("", _("— belum dijawab —")), *option_choices(item)]
                ),
            )
        elif item.answer_type == AnswerType.PERCENT:
            labels = {entry.get("name"): entry.get("label") for entry in item.count_inputs or []}
            for name in count_names(item):
                field_name = f"count_{name}"
                self.fields[field_name] = forms.CharField(
                    label=labels.get(name) or name,
                    required=False,
                    max_length=12,
                    widget=forms.TextInput(attrs={"inputmode": "numeric", "size": 8}),
                )
                self.count_fields.append(field_name)
        elif item.answer_type in NUMBER_SCALE:
            self.fields["number"] = forms.CharField(
                label=_("Nilai (0–%(top)s)") % {"top": NUMBER_SCALE[item.answer_type]},
                required=False,
                max_length=20,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "size": 8}),
            )
        if tier == Tier.SELF:
            self.fields["evidence"] = forms.TypedMultipleChoiceField(
                label=_("Bukti dukung terverifikasi yang ditautkan"),
                required=False,
                coerce=int,
                choices=[(str(pk), label) for pk, label in evidence_choices],
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields["files"] = MultipleFileField(
                label=_("Unggah berkas bukti"),
                help_text=_("PDF, DOCX, XLSX, JPG atau PNG."),
            )
            self.fields["files"].widget.attrs.update({"accept": ACCEPT})
            self.fields["remove_files"] = forms.TypedMultipleChoiceField(
                required=False, coerce=int, choices=[]
            )

    def set_file_choices(self, file_ids) -> None:
        if "remove_files" in self.fields:
            self.fields["remove_files"].choices = [(str(pk), str(pk)) for pk in file_ids]

    def _choice_rows(self, name: str, choices, multiple: bool) -> list[dict]:
        """The inputs of a radio or checkbox list, built here rather than by a widget
        template per choice (a worksheet page has dozens of items: rendering stays cheap)."""
        if name not in self.fields:
            return []
        value = self[name].value()
        if multiple:
            chosen = {str(v) for v in (value or [])}
        else:
            chosen = {"" if value is None else str(value)}
        base = self[name].auto_id
        return [
            {
                "value": str(code),
                "label": label,
                "checked": str(code) in chosen,
                "id": f"{base}_{index}",
            }
            for index, (code, label) in enumerate(choices)
        ]

    @property
    def option_rows(self) -> list[dict]:
        if "option" not in self.fields:
            return []
        return self._choice_rows("option", self.fields["option"].widget.choices, False)

    @property
    def evidence_rows(self) -> list[dict]:
        if "evidence" not in self.fields:
            return []
        return self._choice_rows("evidence", self.fields["evidence"].choices, True)

    @property
    def answer_fields(self) -> list:
        names = ["option", "number", *self.count_fields]
        return [self[name] for name in names if name in self.fields]

    def raw_answer(self):
        data = self.cleaned_data
        if "option" in self.fields:
            return data.get("option") or ""
        if self.count_fields:
            return {name[len("count_") :]: data.get(name) or "" for name in self.count_fields}
        if "number" in self.fields:
            return data.get("number") or ""
        return ""

    def put_errors(self, errors: dict[str, list[str]]) -> None:
        """The service's errors on the fields (key ``answer`` on the answer's group)."""
        for key, messages in errors.items():
            target = key
            if key == "answer":
                target = None if not self.answer_fields else self.answer_fields[0].name
            elif key not in self.fields:
                target = None
            for message in messages:
                self.add_error(target, message)


class LinkForm(forms.Form):
    """Link an indicator of the plan to an input of a percentage item."""

    indicator = forms.TypedChoiceField(label=_("Indikator rencana aksi"), coerce=int)
    target = forms.ChoiceField(label=_("Butir LKE dan masukannya"))

    def __init__(self, indicators, percent_items, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [("", "—")] + [
            (str(indicator.pk), indicator_label(indicator)) for indicator in indicators
        ]
        choices = [("", "—")]
        for item in percent_items:
            for name, label in link_inputs(item):
                choices.append((f"{item.pk}:{name}", f"{item.code} · {label}"))
        self.fields["target"].choices = choices

    def item_and_input(self) -> tuple[int, str]:
        item_pk, _sep, name = self.cleaned_data["target"].partition(":")
        return int(item_pk), name


def indicator_label(indicator) -> str:
    sub = indicator.sub_activity
    area = sub.activity.area
    number = f"{area.number}.{sub.activity.number}.{sub.number}"
    return f"{number} {indicator.text}"[:200]


class StartForm(forms.Form):
    framework = forms.TypedChoiceField(label=_("Kerangka evaluasi"), coerce=int)

    def __init__(self, frameworks, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["framework"].choices = [(str(fw.pk), fw.title) for fw in frameworks]
