"""Routes of dynamic fields and dynamic data (O66-O69). `dynamicdata/<fieldid>/<resourceid>`
(numbers: PUT a value) comes before its alias `dynamicdata/<resourcetype>/<resourceid>` (GET)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("dynamicfields", v.DynamicFieldList.as_view()),
    path("dynamicfields/<int:id>", v.DynamicFieldDetail.as_view()),
    path("dynamicdata", v.DynamicDataList.as_view()),
    path("dynamicdata/<int:fieldid>/<int:resourceid>", v.DynamicDataValue.as_view()),
    path("dynamicdata/<str:resourcetype>/<int:resourceid>", v.DynamicDataByType.as_view()),
]
