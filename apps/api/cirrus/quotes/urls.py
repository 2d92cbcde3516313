"""Routes of quotes (P2-090, P2-091, P2-098, P2-099), quote relations (P2-092, P2-093) and quote
statuses (P2-094-P2-097): relations and statuses before `quotes/<id>`."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("quotes", v.QuoteList.as_view()),
    path("quotes/relations", v.QuoteRelationList.as_view()),
    path("quotes/statuses", v.QuoteStatusList.as_view()),
    path("quotes/statuses/<int:id>", v.QuoteStatusDetail.as_view()),
    path("quotes/<int:id>", v.QuoteDetail.as_view()),
]
