"""Forms of the realisation page and the assessor's review page.

The forms parse what the browser sent; the rules (progress 0–100, a reason for "tidak
terlaksana", a later month for "ditunda", numbers for indicators, evidence metadata) live in
renaksi/work/realisations.py, whose field errors the views put back on these fields. The
field names are the service's error keys.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from renaksi.core.validators import TextFieldsMixin
from renaksi.plans.models import Indicator

from .models import EvidenceKind, Realisation
from .realisations import COMMENT_MAX_LENGTH, NARRATIVE_MAX_LENGTH, month_name

# The file types the evidence helper accepts (checked by content there; this only helps the
# phone's file picker).
ACCEPT = ".pdf,.docx,.xlsx,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the evidence helper, not here."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [item for item in data if item]
        return [data] if data else []


def _indicator_help(indicator: Indicator) -> str:
    if indicator.target_value is None:
        return ""
    target = f"{indicator.target_value.normalize():f}".replace(".", ",")
    unit = "%" if indicator.kind == Indicator.Kind.PERSENTASE else indicator.unit_of_measure
    return str(_("Target: %(target)s %(unit)s") % {"target": target, "unit": unit}).strip()


class RealisationForm(TextFieldsMixin, forms.Form):
    """Status, progress, narrative and the indicator values (``value_<id>`` fields), plus
    the new evidence of this save (files, one link) with their shared metadata."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    status = forms.ChoiceField(
        label=_("Status pelaksanaan"),
        choices=Realisation.Status.choices,
        widget=forms.RadioSelect,
        initial=Realisation.Status.NOT_STARTED,
        required=False,
    )
    progress = forms.CharField(
        label=_("Progres (%)"),
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("Angka bulat 0–100."),
    )
    reason = forms.CharField(
        label=_("Alasan"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Wajib bila tidak terlaksana; untuk penundaan boleh diisi."),
    )
    postponed_to = forms.ChoiceField(label=_("Ditunda ke bulan"), required=False)
    narrative = forms.CharField(
        label=_("Uraian pelaksanaan"),
        required=False,
        max_length=NARRATIVE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Apa yang dikerjakan, kapan, oleh siapa, dan hasilnya."),
    )

    files = MultipleFileField(
        label=_("Unggah berkas bukti dukung"),
        help_text=_("PDF, DOCX, XLSX, JPG, atau PNG. Boleh beberapa berkas sekaligus."),
    )
    evidence_title = forms.CharField(
        label=_("Judul bukti dukung"),
        required=False,
        max_length=300,
        help_text=_("Kosongkan untuk memakai nama berkas."),
    )
    evidence_kind = forms.ChoiceField(
        label=_("Jenis bukti dukung"),
        choices=EvidenceKind.choices,
        initial=EvidenceKind.LAINNYA,
        required=False,
    )
    evidence_as_of = forms.CharField(
        label=_("Tanggal dokumen"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Tanggal yang tertera di dokumen, bukan tanggal unggah."),
    )
    evidence_indicators = forms.MultipleChoiceField(
        label=_("Indikator yang dibuktikan"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    link_url = forms.CharField(
        label=_("Tautan sebagai bukti dukung"),
        required=False,
        max_length=1000,
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
        help_text=_("Misalnya video kegiatan atau halaman berita."),
    )
    link_title = forms.CharField(label=_("Judul tautan"), required=False, max_length=300)

    def __init__(self, *args, period, indicators, evidence_only=False, current=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.period = period
        self.indicators = list(indicators)
        self.evidence_only = evidence_only
        self.current_evidence = list(current)
        self.fields["postponed_to"].choices = [("", _("— pilih bulan —"))] + [
            (str(month), month_name(month)) for month in range(1, 13)
        ]
        self.fields["evidence_indicators"].choices = [
            (str(indicator.pk), _indicator_label(indicator)) for indicator in self.indicators
        ]
        if not self.indicators:
            del self.fields["evidence_indicators"]
        self.value_fields = []
        for indicator in self.indicators:
            if not _measurable(indicator):
                continue
            name = f"value_{indicator.pk}"
            self.fields[name] = forms.CharField(
                label=_indicator_label(indicator),
                required=False,
                max_length=30,
                help_text=_indicator_help(indicator),
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )
            self.value_fields.append((indicator, name))
        for item in self.current_evidence:
            self.fields[f"replace_{item.pk}"] = forms.FileField(
                label=_("Ganti dengan berkas baru"),
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
            )
        self.fields["files"].widget.attrs.update({"accept": ACCEPT})
        if evidence_only:
            for name in ("status", "progress", "reason", "postponed_to", "narrative"):
                del self.fields[name]
            for _indicator, name in self.value_fields:
                del self.fields[name]
            self.value_fields = []

    def bound_values(self):
        return [(indicator, self[name]) for indicator, name in self.value_fields]

    def replace_fields(self):
        return [(item, self[f"replace_{item.pk}"]) for item in self.current_evidence]

    # -- what the service is called with ----------------------------------------------------

    def service_data(self) -> dict | None:
        if self.evidence_only:
            return None
        data = self.cleaned_data
        return {
            "status": data.get("status") or Realisation.Status.NOT_STARTED,
            "progress": data.get("progress", ""),
            "narrative": data.get("narrative", ""),
            "reason": data.get("reason", ""),
            "postponed_to": data.get("postponed_to", ""),
            "values": {indicator.pk: data.get(name, "") for indicator, name in self.value_fields},
        }

    def shared_meta(self) -> dict:
        data = self.cleaned_data
        meta = {
            "kind": data.get("evidence_kind") or EvidenceKind.LAINNYA,
            "as_of": data.get("evidence_as_of", ""),
            "indicators": data.get("evidence_indicators") or [],
        }
        if data.get("evidence_title"):
            meta["title"] = data["evidence_title"]
        return meta

    def links(self) -> list[dict]:
        data = self.cleaned_data
        if not data.get("link_url"):
            return []
        return [{"url": data["link_url"], "title": data.get("link_title", ""), **self._link_meta()}]

    def _link_meta(self) -> dict:
        meta = self.shared_meta()
        meta.pop("title", None)
        return meta

    def uploads(self) -> tuple[list, dict]:
        """The files of this save and their metadata keys: new files with the shared
        metadata, then each replacement with the title of the item it replaces."""
        files = list(self.cleaned_data.get("files") or [])
        meta = {"*": self.shared_meta()}
        for item in self.current_evidence:
            upload = self.cleaned_data.get(f"replace_{item.pk}")
            if upload:
                meta[f"file:{len(files)}"] = {
                    "replaces": item.pk,
                    "title": item.title,
                    "kind": item.kind,
                    "as_of": item.as_of,
                    "indicators": [indicator.pk for indicator in item.indicators.all()],
                }
                files.append(upload)
        return files, meta

    def add_service_errors(self, errors: dict) -> None:
        """Put the service's field errors on the fields (unknown keys: on the form)."""
        for key, messages in errors.items():
            target = key if key in self.fields else None
            if key in ("staged", "evidence"):
                target = "files"
            elif key == "links":
                target = "link_url"
            for message in messages:
                self.add_error(target if target in self.fields else None, message)


def _measurable(indicator: Indicator) -> bool:
    from .realisations import is_measurable

    return is_measurable(indicator)


def _indicator_label(indicator: Indicator) -> str:
    return f"{indicator.label} {indicator.text}".strip() if indicator.label else indicator.text


class ReviewForm(TextFieldsMixin, forms.Form):
    """The assessor's decision: verify or return, a comment, and per evidence item whether
    it is accepted and a comment (``accept_<id>``, ``note_<id>``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    decision = forms.ChoiceField(
        choices=[("verify", _("Verifikasi")), ("return", _("Kembalikan"))],
        error_messages={"required": _("Pilih: verifikasi atau kembalikan.")},
    )
    comment = forms.CharField(
        label=_("Catatan untuk pelapor"),
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wajib bila dikembalikan: apa yang perlu diperbaiki."),
    )

    def __init__(self, *args, evidence=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.evidence = list(evidence)
        for item in self.evidence:
            self.fields[f"accept_{item.pk}"] = forms.BooleanField(
                label=_("Diterima"), required=False, initial=True
            )
            self.fields[f"note_{item.pk}"] = forms.CharField(
                label=_("Catatan untuk bukti ini"),
                required=False,
                max_length=COMMENT_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def item_fields(self):
        return {
            item.pk: (self[f"accept_{item.pk}"], self[f"note_{item.pk}"]) for item in self.evidence
        }

    def notes(self) -> dict[int, tuple[bool, str]]:
        data = self.cleaned_data
        return {
            item.pk: (bool(data.get(f"accept_{item.pk}")), data.get(f"note_{item.pk}", ""))
            for item in self.evidence
        }

    def add_service_errors(self, errors: dict) -> None:
        for key, messages in errors.items():
            for message in messages:
                self.add_error(key if key in self.fields else None, message)


class ReopenForm(TextFieldsMixin, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    reason = forms.CharField(
        label=_("Alasan membuka kembali"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Tuliskan alasan membuka kembali verifikasi ini.")},
    )


class UnscheduledForm(forms.Form):
    period = forms.TypedChoiceField(label=_("Periode"), coerce=int)

    def __init__(self, *args, periods: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(str(number), label) for number, label in periods]
        self.fields["period"].error_messages["invalid_choice"] = _("Pilih periode dari daftar.")
