"""Routes of the content part of the Peepl admin API (operations #81-#106), with the aliases of
Q8 (`newsposts/`, `picturealbums/`, `albums/`) and the upload aliases of #97 and #106."""

from django.urls import path

from . import content_views as v


def news_routes(prefix: str) -> list:
    return [
        path(f"{prefix}/", v.NewsPostList.as_view(), name=f"{prefix}-list"),
        path(f"{prefix}/<int:pk>/", v.NewsPostDetail.as_view(), name=f"{prefix}-detail"),
        path(
            f"{prefix}/<int:pk>/attachments/",
            v.NewsPostAttachmentList.as_view(),
            name=f"{prefix}-attachments",
        ),
        path(
            f"{prefix}/<int:pk>/attachments/<int:attachment_id>/",
            v.NewsPostAttachmentDetail.as_view(),
            name=f"{prefix}-attachment",
        ),
    ]


def album_routes(prefix: str) -> list:
    return [
        path(f"{prefix}/", v.AlbumList.as_view(), name=f"{prefix}-list"),
        path(f"{prefix}/<int:pk>/", v.AlbumDetail.as_view(), name=f"{prefix}-detail"),
        path(f"{prefix}/<int:pk>/pictures/", v.AlbumPictureUpload.as_view(), name=f"{prefix}-pictures"),
    ]


urlpatterns = [
    *news_routes("news_posts"),
    *news_routes("newsposts"),
    path("folders/", v.FolderList.as_view(), name="folder-list"),
    path("folders/<int:pk>/", v.FolderDetail.as_view(), name="folder-detail"),
    path("folders/<int:pk>/files/", v.FolderFileUpload.as_view(), name="folder-files"),
    path("files/", v.FileList.as_view(), name="file-list"),
    path("files/<int:pk>/", v.FileDetail.as_view(), name="file-detail"),
    *album_routes("picture_albums"),
    *album_routes("picturealbums"),
    *album_routes("albums"),
    path("pictures/", v.PictureList.as_view(), name="picture-list"),
    path("pictures/<int:pk>/", v.PictureDetail.as_view(), name="picture-detail"),
]
