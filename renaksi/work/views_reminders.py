"""A person's reminders: what they would be e-mailed today, and their setting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from .forms_reminders import ReminderSettingForm
from .models import ReminderSetting
from .reminders import DEFAULT_DAYS_AHEAD, KIND_LABELS, KINDS, already_sent, change_setting, collect


@login_required
def reminders_view(request: HttpRequest) -> HttpResponse:
    """Only the signed-in person's own setting: there is no one else's to ask for."""
    user = request.user
    setting = ReminderSetting.objects.filter(user=user).first() or ReminderSetting(
        user=user, days_ahead=DEFAULT_DAYS_AHEAD
    )
    saved = {"enabled": setting.enabled, "days_ahead": setting.days_ahead}
    form = ReminderSettingForm(request.POST or None, instance=setting)
    if request.method == "POST" and form.is_valid():
        change_setting(
            user,
            enabled=form.cleaned_data["enabled"],
            days_ahead=form.cleaned_data["days_ahead"],
        )
        if form.cleaned_data["enabled"]:
            messages.success(request, _("Pengaturan pengingat disimpan."))
        else:
            messages.success(request, _("Pengingat dimatikan. Anda tidak akan menerima emailnya."))
        return redirect("work:reminders")

    digest = collect(user=user).get(user.pk)
    items = digest.items if digest else []
    sent = already_sent({user.pk: digest}) if digest else set()
    sections = [
        {
            "kind": kind,
            "label": KIND_LABELS[kind],
            "items": [
                {"item": item, "sent": (user.pk, *item.key) in sent}
                for item in items
                if item.kind == kind
            ],
        }
        for kind in KINDS
    ]
    return render(
        request,
        "work/reminders.html",
        {
            "form": form,
            "saved": saved,
            "sections": [section for section in sections if section["items"]],
            "item_count": len(items),
            "has_email": bool(user.email),
        },
    )
