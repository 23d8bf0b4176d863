from django.contrib.auth import views as auth_views

from .forms import LoginForm, PasswordResetForm
from .ratelimit import check_and_count
from .services import link_validity


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm


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
