"""Routes of contacts (O52-O57); follow/unfollow come before `contacts/<id>`."""

from django.urls import path

from apps.parties.models import Party

from ..accounts.views import FollowView
from . import views as v

follow = {"kind": Party.Kind.PERSON, "what": "contact"}

urlpatterns = [
    path("contacts", v.ContactList.as_view()),
    path("contacts/follow", FollowView.as_view(action="follow", **follow)),
    path("contacts/unfollow", FollowView.as_view(action="unfollow", **follow)),
    path("contacts/<int:id>", v.ContactDetail.as_view()),
]
