"""The audit trail: one ``LogEntry`` per change made by a workflow (see services.record)."""

from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# The dotted action codes written today, with what they mean for people.
ACTION_LABELS = {
    "plan.imported": _("Rencana aksi diimpor dari keputusan"),
    "plan.replaced": _("Rencana aksi diganti dengan keputusan lain"),
    "plan.approval_reset": _("Persetujuan rencana aksi dibatalkan oleh impor ulang"),
    "plan.approved": _("Rencana aksi disetujui Tim Pengarah"),
    "plan.reopened": _("Rencana aksi dibuka kembali"),
    "plan.finding_confirmed": _("Temuan impor dikonfirmasi"),
    "plan.pic_assigned": _("Penanggung jawab sub kegiatan diubah"),
    # Creating a plan (renaksi/plans/creation.py).
    "plan.created": _("Rencana aksi dibuat"),
    "plan.created_from_template": _("Rencana aksi dibuat dari templat"),
    "plan.copied": _("Rencana aksi disalin dari tahun sebelumnya"),
    # The status workflow (renaksi/plans/workflow.py).
    "plan.submitted": _("Rencana aksi diajukan ke Tim Pengarah"),
    "plan.returned": _("Rencana aksi dikembalikan untuk diperbaiki"),
    "plan.withdrawn": _("Pengajuan rencana aksi ditarik kembali"),
    # The editor (renaksi/plans/editing.py): before/after values in ``data``.
    "plan.decree_changed": _("Data keputusan diubah"),
    "plan.area_added": _("Area ditambahkan"),
    "plan.area_changed": _("Area diubah"),
    "plan.area_moved": _("Area dipindahkan"),
    "plan.area_deleted": _("Area dihapus"),
    "plan.activity_added": _("Kegiatan ditambahkan"),
    "plan.activity_changed": _("Kegiatan diubah"),
    "plan.activity_moved": _("Kegiatan dipindahkan"),
    "plan.activity_deleted": _("Kegiatan dihapus"),
    "plan.sub_activity_added": _("Sub kegiatan ditambahkan"),
    "plan.sub_activity_changed": _("Sub kegiatan diubah"),
    "plan.sub_activity_moved": _("Sub kegiatan dipindahkan"),
    "plan.sub_activity_deleted": _("Sub kegiatan dihapus"),
    "plan.schedule_changed": _("Jadwal sub kegiatan diubah"),
    "plan.indicator_added": _("Indikator ditambahkan"),
    "plan.indicator_changed": _("Indikator diubah"),
    "plan.indicator_moved": _("Indikator dipindahkan"),
    "plan.indicator_deleted": _("Indikator dihapus"),
    "plan.finding_resolved": _("Temuan impor diselesaikan dengan memperbaiki baris"),
    # Exports (renaksi/exports).
    "plan.exported": _("Rencana aksi diunduh"),
    # The change agents' own plans (renaksi/work/agents.py).
    "work.agent_plan_created": _("Rencana aksi agen perubahan dibuat"),
    "work.agent_action_added": _("Aksi agen perubahan ditambahkan"),
    "work.agent_action_changed": _("Aksi agen perubahan diubah"),
    "work.agent_action_deleted": _("Aksi agen perubahan dihapus"),
    # Realisations and their verification (renaksi/work/realisations.py).
    "work.realisation_saved": _("Realisasi dicatat"),
    "work.evidence_added": _("Bukti dukung ditambahkan"),
    "work.evidence_replaced": _("Bukti dukung diganti"),
    "work.unscheduled_recorded": _("Pekerjaan di luar jadwal dicatat"),
    "work.realisation_submitted": _("Realisasi diajukan untuk diverifikasi"),
    "work.realisation_withdrawn": _("Pengajuan realisasi ditarik kembali"),
    "work.realisation_verified": _("Realisasi diverifikasi"),
    "work.realisation_returned": _("Realisasi dikembalikan untuk diperbaiki"),
    "work.realisation_reopened": _("Verifikasi realisasi dibuka kembali"),
    # Reminders (renaksi/work/reminders.py).
    "work.reminders_changed": _("Pengaturan pengingat diubah"),
    # Evidence uploads (renaksi/work/views_files.py).
    "work.upload_staged": _("Berkas bukti dukung diunggah, menunggu disimpan bersama laporan"),
    # The schedule as rows (renaksi/work/periods.py, command sync_periods).
    "work.periods_synced": _("Periode jadwal diselaraskan dengan jadwal sub kegiatan"),
    # The official reports (renaksi/reports): data names the report (monev, portal_rb, lke,
    # recap) and its format, quarter or variant.
    "report.downloaded": _("Laporan resmi diunduh"),
    # The submission chain (renaksi/submissions/services.py; part "submissions").
    "submission.submitted": _("Laporan triwulan dikirim ke tingkat di atas"),
    "submission.resubmitted": _("Laporan triwulan dikirim lagi setelah diperbaiki"),
    "submission.forwarded": _("Laporan triwulan diterima KPU Provinsi dan diteruskan ke KPU RI"),
    "submission.accepted": _("Laporan triwulan diterima KPU RI"),
    "submission.returned": _("Laporan triwulan dikembalikan untuk diperbaiki"),
    "submission.reopened": _("Laporan triwulan dibuka kembali"),
    # The self-assessment (LKE) and its review tiers (renaksi/evaluation/services.py).
    "evaluation.assessment_started": _("Lembar kerja evaluasi (LKE) dimulai"),
    "evaluation.answer_saved": _("Jawaban LKE disimpan"),
    "evaluation.answer_fed": _("Jumlah butir LKE diisi dari indikator rencana aksi"),
    "evaluation.link_added": _("Indikator ditautkan ke butir LKE"),
    "evaluation.link_removed": _("Tautan indikator ke butir LKE dihapus"),
    # Quarterly monitoring (renaksi/monitoring/narrative.py; part "monitoring", issue #9).
    "monitoring.report_saved": _("Laporan monitoring triwulan diubah"),
    "monitoring.area_note_saved": _("Catatan monitoring area diubah"),
    "monitoring.follow_up_added": _("Tindak lanjut monitoring ditambahkan"),
    "monitoring.follow_up_updated": _("Tindak lanjut monitoring diperbarui"),
    "monitoring.months_changed": _("Bulan monitoring dan evaluasi rencana aksi diubah"),
    # The offline LKE worksheet (renaksi/evaluation/worksheet.py; part "lkecli", issue #9).
    "evaluation.worksheet_imported": _("Lembar kerja LKE (XLSX) diimpor"),
    # Evaluation frameworks (part "frameworks": renaksi/evaluation/frameworks.py and
    # framework_editing.py).
    "evaluation.framework_loaded": _("Kerangka evaluasi dimuat dari berkas data"),
    "evaluation.framework_reloaded": _("Kerangka evaluasi diperbarui dari berkas data"),
    "evaluation.framework_copied": _("Kerangka evaluasi disalin ke versi baru"),
    "evaluation.framework_node_changed": _("Butir kerangka evaluasi diubah"),
    "evaluation.framework_item_added": _("Butir ditambahkan ke kerangka evaluasi"),
    "evaluation.framework_node_deleted": _("Butir kerangka evaluasi dihapus"),
    "evaluation.framework_published": _("Kerangka evaluasi diberlakukan"),
    "evaluation.framework_retired": _("Kerangka evaluasi tidak dipakai lagi"),
    # The public RB column (renaksi/publication/services.py).
    "publication.published": _("Rencana aksi dipublikasikan di kolom RB publik"),
    "publication.changed": _("Isi kolom RB publik diubah"),
    "publication.withdrawn": _("Publikasi kolom RB publik ditarik"),
}


class LogEntry(models.Model):
    """Something a workflow changed: the actor (none for a system job), a dotted action code,
    the unit and plan it concerns, the object itself, and the values before and after."""

    actor = models.ForeignKey(
        "auth.User",
        verbose_name=_("pelaku"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Kosong: dijalankan oleh sistem (mis. perintah manage.py)."),
    )
    action = models.CharField(_("tindakan"), max_length=100)
    unit = models.ForeignKey(
        "units.Unit",
        verbose_name=_("satuan kerja"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    plan = models.ForeignKey(
        "plans.ActionPlan",
        verbose_name=_("rencana aksi"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="log_entries",
    )
    object_type = models.ForeignKey(
        ContentType,
        verbose_name=_("jenis objek"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    object_id = models.CharField(_("id objek"), max_length=64, blank=True)
    object_repr = models.CharField(_("objek"), max_length=300, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(_("waktu"), default=timezone.now)

    class Meta:
        verbose_name = _("catatan audit")
        verbose_name_plural = _("jejak audit")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["plan", "created_at"], name="audit_plan_time"),
            models.Index(fields=["created_at"], name="audit_time"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action}"

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS.get(self.action, self.action))
