"""Routes of challenges (O76-O82): `types` and `stats/<id>` before `<id>`."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("challenges", v.ChallengeList.as_view()),
    path("challenges/types", v.type_list),
    path("challenges/stats/<int:id>", v.ChallengeStats.as_view()),
    path("challenges/<int:id>", v.ChallengeDetail.as_view()),
    path(
        "challenges/<int:id>/accept",
        v.ChallengeAnswer.as_view(answer="accepted", summaries={"put": "Answers a challenge: accept (O81)"}),
    ),
    path(
        "challenges/<int:id>/decline",
        v.ChallengeAnswer.as_view(answer="declined", summaries={"put": "Answers a challenge: decline (O82)"}),
    ),
]
