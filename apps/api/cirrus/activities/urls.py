"""Routes of activities (O17-O29). The literal segments (`coordinates`, `follow`,
`progressionstates`, `questions`) come before `<id>`."""

from django.urls import path

from apps.sales import services_crm
from apps.sales.models import Activity

from ..toolkit.views import follow_routes
from . import views as v

urlpatterns = [
    path("activities", v.ActivityList.as_view()),
    path("activities/coordinates", v.ActivityCoordinateList.as_view()),
    path("activities/progressionstates", v.progression_state_list),
    *follow_routes(
        "activities",
        permission_model=Activity,
        records=Activity.objects.all,
        what="activity",
        services=(services_crm.follow_activity, services_crm.unfollow_activity),
        summaries=("follow activity (O25)", "unfollow activity (O27)"),
    ),
    path("activities/<int:id>", v.ActivityDetail.as_view()),
    path("activitytypes", v.ActivityTypeList.as_view()),
    path("activitytypes/questions", v.question_list),
    path("activitytypes/<int:id>", v.ActivityTypeDetail.as_view()),
]
