from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Core"

    def ready(self):
        from django.contrib import admin

        from .login_limits import admin_login_form

        # The admin's password check is limited like every other (apps.core.login_limits).
        admin.site.login_form = admin_login_form()
