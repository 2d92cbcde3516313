"""Routes of contacts (O52-O57); follow/unfollow come before `contacts/<id>`."""

from django.urls import path

from apps.parties.models import Party

from ..accounts.views import party_follow_routes
from . import views as v

PERSON = Party.Kind.PERSON

urlpatterns = [
    path("contacts", v.ContactList.as_view()),
    *party_follow_routes("contacts", PERSON, "contact", ("follow contact (O54)", "unfollow contact (O55)")),
    path("contacts/<int:id>", v.ContactDetail.as_view()),
]
