from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render

from .forms import LoginForm, PasswordResetForm
from .ratelimit import check_and_count
from .services import link_validity


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm


class LogoutView(auth_views.LogoutView):
    """Signing out is a POST (the header's button). A GET (a reload, a bookmark, the language
    switch) asks to confirm, or sends someone already signed out to the sign-in page."""

    http_method_names = ["get", "head", "post", "options"]

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("login")
        return render(request, "registration/logout_confirm.html")


class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    form_class = PasswordResetForm

    def form_valid(self, form):
        refusal = check_and_count(self.request, form.cleaned_data["email"])
        if refusal is not None:  # HTTP 429 with the form and the reason; nothing is sent
            form.add_error(None, refusal.message)
            response = self.form_invalid(form)
            response.status_code = 429
            response["Retry-After"] = str(refusal.retry_after)
            return response
        self.extra_email_context = {"validity": link_validity()}
        return super().form_valid(form)
