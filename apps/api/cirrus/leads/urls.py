"""Routes of leads (O87-O90), lead activities (O83-O86) and lead statuses (P2-123-P2-126)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("leads", v.LeadList.as_view()),
    path("leads/<int:id>", v.LeadDetail.as_view()),
    path("leadactivities", v.LeadActivityList.as_view()),
    path("leadactivities/<int:id>", v.LeadActivityDetail.as_view()),
    path("leadstatus", v.LeadStatusList.as_view()),
    path("leadstatus/<int:id>", v.LeadStatusDetail.as_view()),
]
