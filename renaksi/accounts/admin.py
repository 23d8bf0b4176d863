"""Users in the admin: deactivated, never deleted, so that their history stays attributed."""

from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from renaksi.core.validators import TextFieldsMixin

User = get_user_model()

admin.site.unregister(User)


class UserAddForm(TextFieldsMixin, AdminUserCreationForm):
    pass


class UserEditForm(TextFieldsMixin, UserChangeForm):
    pass


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    add_form = UserAddForm
    form = UserEditForm
    list_display = ["username", "full_name", "email", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]
    actions = ["deactivate", "activate"]

    @admin.display(description="Nama", ordering="first_name")
    def full_name(self, user):
        return user.get_full_name()

    def has_delete_permission(self, request, obj=None):
        # Users are deactivated, not deleted: plans, approvals and logs keep pointing at them.
        return False

    @admin.action(description="Nonaktifkan pengguna terpilih", permissions=["change"])
    def deactivate(self, request, queryset):
        own = queryset.filter(pk=request.user.pk).exists()
        count = queryset.exclude(pk=request.user.pk).filter(is_active=True).update(is_active=False)
        if own:
            self.message_user(
                request, "Akun Anda sendiri tidak dinonaktifkan.", level=messages.WARNING
            )
        self.message_user(
            request,
            f"{count} pengguna dinonaktifkan. Mereka tidak dapat masuk lagi; "
            "riwayat mereka tetap tersimpan.",
            level=messages.SUCCESS,
        )

    @admin.action(description="Aktifkan kembali pengguna terpilih", permissions=["change"])
    def activate(self, request, queryset):
        count = queryset.filter(is_active=False).update(is_active=True)
        self.message_user(request, f"{count} pengguna diaktifkan kembali.", level=messages.SUCCESS)
