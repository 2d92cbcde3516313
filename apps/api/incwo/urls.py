"""incwo contacts XML API, mounted at /incwo/; the install is the business file
settings.INCWO_BUSINESS_FILE_ID. Anything else under the mount answers an XML 404."""

from django.urls import path

from . import views as v

app_name = "incwo"

urlpatterns = [
    path("<int:business_file_id>/contacts.xml", v.ContactList.as_view(), name="contact-list"),
    path("<int:business_file_id>/contacts/<str:pk>.xml", v.ContactDetail.as_view(), name="contact-detail"),
]
