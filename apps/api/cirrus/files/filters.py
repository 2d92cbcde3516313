"""The filters of the file and folder lists (O71, O72)."""

from django.db.models import Exists, OuterRef

from apps.content.models import File, Folder

from ..toolkit.filters import CirrusFilterSet, IntFilter

NOTHING_TO_CONNECT = "Files cannot be connected to these records here: no file matches."


class FileFilter(CirrusFilterSet):
    """Files connected to each record given (ANDed)."""

    activityid = IntFilter(field_name="activity_id")
    accountid = IntFilter(method="connected_to_party", help_text="An Account id.")
    contactid = IntFilter(method="connected_to_party", help_text="A Contact id.")
    articleid = IntFilter(method="nothing", help_text=NOTHING_TO_CONNECT)
    opportunityid = IntFilter(method="nothing", help_text=NOTHING_TO_CONNECT)
    quoteid = IntFilter(method="nothing", help_text=NOTHING_TO_CONNECT)
    orderid = IntFilter(method="nothing", help_text=NOTHING_TO_CONNECT)
    leadid = IntFilter(method="nothing", help_text=NOTHING_TO_CONNECT)
    projectid = IntFilter(method="nothing", help_text=NOTHING_TO_CONNECT)
    objectid = IntFilter(method="nothing", help_text=NOTHING_TO_CONNECT)
    userid = IntFilter(method="nothing", help_text=NOTHING_TO_CONNECT)
    missionid = IntFilter(method="nothing", help_text=NOTHING_TO_CONNECT)

    class Meta:
        model = File
        fields = []

    def connected_to_party(self, queryset, name, value):
        kind = "organisation" if name == "accountid" else "person"
        links = File.parties.through.objects.filter(file=OuterRef("pk"), party_id=value, party__kind=kind)
        return queryset.filter(Exists(links))

    def nothing(self, queryset, name, value):
        return queryset.none()

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("-id")


class FolderFilter(CirrusFilterSet):
    folderid = IntFilter(field_name="id")
    accountid = IntFilter(field_name="party_id", help_text="An Account id.")
    parentfolderid = IntFilter(field_name="parent_id")

    class Meta:
        model = Folder
        fields = []

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by("id")
