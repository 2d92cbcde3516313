import pytest
from django.contrib.auth.models import AnonymousUser, Permission
from rest_framework import exceptions
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from apps.api.common.permissions import ModelPermissions
from apps.parties.models import AddressType, Party, Person
from tests.factories import UserFactory

factory = APIRequestFactory()
pytestmark = pytest.mark.django_db

VERBS = {"GET": "view", "HEAD": "view", "POST": "add", "PUT": "change", "PATCH": "change", "DELETE": "delete"}


class PartyView(APIView):
    queryset = Party.objects.all()


class PersonView(APIView):
    queryset = Person.objects.all()  # a proxy: permissions are the concrete model's


class NamedModelView(APIView):
    permission_model = AddressType  # no queryset


class UncheckedView(APIView):
    queryset = Party.objects.all()
    _ignore_model_permissions = True


def allowed(user, method, view_class=PartyView):
    request = Request(factory.generic(method, "/"))
    request.user = user
    return ModelPermissions().has_permission(request, view_class())


def user_with(*codenames, app_label="parties"):
    user = UserFactory()
    perms = Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
    user.user_permissions.set(perms)
    return type(user).objects.get(pk=user.pk)  # a fresh instance: no permission cache


@pytest.mark.parametrize("method, action", VERBS.items())
def test_each_verb_needs_its_model_permission(method, action):
    assert not allowed(UserFactory(), method)
    assert allowed(user_with(f"{action}_party"), method)
    others = [a for a in ("view", "add", "change", "delete") if a != action]
    assert not allowed(user_with(*(f"{a}_party" for a in others)), method)


def test_reading_needs_the_view_permission_even_with_change():
    assert not allowed(user_with("change_party", "add_party"), "GET")


def test_options_needs_no_model_permission_but_a_user():
    assert allowed(UserFactory(), "OPTIONS")
    assert not allowed(AnonymousUser(), "OPTIONS")


@pytest.mark.parametrize("method", list(VERBS))
def test_anonymous_and_inactive_callers_are_refused(method):
    assert not allowed(AnonymousUser(), method)
    inactive = user_with("view_party", "add_party", "change_party", "delete_party")
    inactive.is_active = False
    assert not allowed(inactive, method)


def test_a_superuser_may_do_everything():
    admin = UserFactory(is_superuser=True)
    assert all(allowed(admin, method) for method in VERBS)


def test_a_proxy_view_checks_the_concrete_models_permission():
    assert allowed(user_with("view_party"), "GET", PersonView)
    assert not allowed(user_with("view_person"), "GET", PersonView)


def test_a_view_may_name_its_model():
    assert allowed(user_with("view_addresstype"), "GET", NamedModelView)
    assert not allowed(user_with("view_party"), "GET", NamedModelView)


def test_a_view_may_opt_out_of_model_permissions_but_not_out_of_authentication():
    assert allowed(UserFactory(), "DELETE", UncheckedView)
    assert not allowed(AnonymousUser(), "GET", UncheckedView)


def test_an_unknown_method_is_not_allowed():
    with pytest.raises(exceptions.MethodNotAllowed):
        allowed(UserFactory(), "TRACE")
