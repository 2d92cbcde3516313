"""Routes of opportunities (O91-O103): the lookups and follow/unfollow before `<id>`."""

from django.urls import path

from apps.sales import services_pipeline
from apps.sales.models import Opportunity

from ..toolkit.views import follow_routes
from . import views as v

urlpatterns = [
    path("opportunities", v.OpportunityList.as_view()),
    path("opportunities/estimates", v.estimate_list),
    path("opportunities/lostreasons", v.lost_reason_list),
    path("opportunities/progressionstates", v.progression_state_list),
    path("opportunities/sources", v.source_list),
    path("opportunities/statuses", v.status_list),
    path("opportunities/types", v.type_list),
    path("opportunities/winreasons", v.win_reason_list),
    *follow_routes(
        "opportunities",
        permission_model=Opportunity,
        records=Opportunity.objects.all,
        what="opportunity",
        services=(services_pipeline.follow_opportunity, services_pipeline.unfollow_opportunity),
        summaries=("follow opportunity (O94)", "unfollow opportunity (O100)"),
    ),
    path("opportunities/<int:id>", v.OpportunityDetail.as_view()),
]
