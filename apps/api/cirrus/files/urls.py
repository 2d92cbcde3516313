"""Routes of files and folders (O70-O75)."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("files", v.FileList.as_view()),
    path("files/<int:id>", v.FileDetail.as_view()),
    path("folders", v.FolderList.as_view()),
    path("folders/<int:id>", v.FolderDetail.as_view()),
]
