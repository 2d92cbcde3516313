"""Routes of contacts (O52-O57); follow/unfollow come before `contacts/<id>`."""

from django.urls import path

from apps.parties.models import Party

from . import views_accounts
from . import views_contacts as v

follow = {"kind": Party.Kind.PERSON, "what": "contact"}

urlpatterns = [
    path("contacts", v.ContactList.as_view()),
    path("contacts/follow", views_accounts.FollowView.as_view(action="follow", **follow)),
    path("contacts/unfollow", views_accounts.FollowView.as_view(action="unfollow", **follow)),
    path("contacts/<int:id>", v.ContactDetail.as_view()),
]
