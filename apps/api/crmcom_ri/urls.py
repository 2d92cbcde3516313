"""CRM.COM R-series contact_information API, mounted at /crmapi/rest/v2/. Method names are paths;
anything else under the mount answers NOT_FOUND in the envelope."""

from django.urls import path

from . import photos
from . import views as v

app_name = "crmcom_ri"

urlpatterns = [
    path("authentication/token", v.Login.as_view(), name="login"),
    path("authentication/token/release", v.Release.as_view(), name="release"),
    path("authentication/web_api_key/token", v.WebApiKeyLogin.as_view(), name="web-api-key-login"),
    path("contact_information/show", v.Show.as_view(), name="show"),
    path("contact_information/list", v.List.as_view(), name="list"),
    path("contact_information/create", v.Create.as_view(), name="create"),
    path("contact_information/update", v.Update.as_view(), name="update"),
    path("contact_information/profile_photo/view", photos.PhotoShow.as_view(), name="photo-view"),
    path("contact_information/profile_photo/add", photos.PhotoAdd.as_view(), name="photo-add"),
    path("contact_information/profile_photo/remove", photos.PhotoRemove.as_view(), name="photo-remove"),
]
