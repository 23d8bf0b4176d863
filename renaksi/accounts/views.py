from django.contrib.auth import views as auth_views

from .forms import LoginForm
from .services import link_validity


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm


class PasswordResetView(auth_views.PasswordResetView):
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        self.extra_email_context = {"validity": link_validity()}
        return super().form_valid(form)
