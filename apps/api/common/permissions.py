from rest_framework.permissions import DjangoModelPermissions


class ModelPermissions(DjangoModelPermissions):
    """The caller's Django model permissions, reads included: GET needs `view_<model>`.
    Views may name the model with `permission_model` when they have no queryset."""

    perms_map = {
        "GET": ["%(app_label)s.view_%(model_name)s"],
        "OPTIONS": [],
        "HEAD": ["%(app_label)s.view_%(model_name)s"],
        "POST": ["%(app_label)s.add_%(model_name)s"],
        "PUT": ["%(app_label)s.change_%(model_name)s"],
        "PATCH": ["%(app_label)s.change_%(model_name)s"],
        "DELETE": ["%(app_label)s.delete_%(model_name)s"],
    }

    def _model(self, view):
        model = getattr(view, "permission_model", None)
        if model is None:
            model = self._queryset(view).model
        return model._meta.concrete_model

    def has_permission(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return False
        if getattr(view, "_ignore_model_permissions", False):
            return True
        model = self._model(view)
        perms = self.get_required_permissions(request.method, model)
        return request.user.has_perms(perms)
