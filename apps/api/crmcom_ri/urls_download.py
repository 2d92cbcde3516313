"""The image download URL CRM.COM R's profile_photo/view hands out, mounted at /crm/:
`/crm/ImageDownloadServlet?id=<photo id>&token=<token>`."""

from django.urls import path

from .photos import ImageDownload

app_name = "crmcom_ri_download"

urlpatterns = [path("ImageDownloadServlet", ImageDownload.as_view(), name="image-download")]
