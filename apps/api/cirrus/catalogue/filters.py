"""The filters and sort orders of the article (O35), article group (O31) and article unit (O49)
lists."""

from apps.catalogue.models import Article, ArticleGroup, ArticleUnit

from ..toolkit.filters import (
    ActiveFilter,
    CirrusFilterSet,
    CsvIdsFilter,
    FulltextFilter,
    IntFilter,
    PrefixFilter,
    SortingFilter,
    WildcardFilter,
)


class ArticleGroupFilter(CirrusFilterSet):
    externalkey = WildcardFilter(field_name="external_key")
    name = PrefixFilter(field_name="name", help_text="Begins with.")
    sorting = SortingFilter(keys={"name": ["name"], "id": ["id"], "sort": ["sort_order"]}, default="name_asc")

    class Meta:
        model = ArticleGroup
        fields = []


class ArticleUnitFilter(CirrusFilterSet):
    externalkey = WildcardFilter(field_name="external_key")
    name = PrefixFilter(field_name="name", help_text="Begins with.")
    sorting = SortingFilter(keys={"name": ["name"], "id": ["id"]}, default="name_asc")

    class Meta:
        model = ArticleUnit
        fields = []


class ArticleFilter(CirrusFilterSet):
    # Dynamic fields of articles: none can be defined yet (custom fields apply to parties and the
    # pipeline), so a pair matches no article; the parameters are accepted.
    dynamic_field_targets = {"article"}

    number = WildcardFilter(field_name="number")
    groupid = CsvIdsFilter(field_name="group_id", help_text="One id or several, comma-separated.")
    active = ActiveFilter(field_name="is_active")
    supplierarticlenumber = WildcardFilter(field_name="supplier_article_number")
    warehousestatusid = IntFilter(field_name="warehouse_status_id")
    servicelevelid = IntFilter(field_name="service_level_id")
    warehouseid = IntFilter(field_name="warehouse_id")
    unitid = IntFilter(field_name="unit_id")
    brandid = IntFilter(field_name="brand_id")
    materialid = IntFilter(field_name="material_id")
    volumegroupid = IntFilter(field_name="volume_group_id")
    discountgroupid = IntFilter(field_name="discount_group_id")
    budgetgroupid = IntFilter(field_name="budget_group_id")
    businessareaid = IntFilter(field_name="business_area_id")
    externalkey = WildcardFilter(field_name="external_key")
    missionid = IntFilter(method="in_mission", help_text="Articles connected to a mission (none here yet).")
    fulltext = FulltextFilter(columns=["name", "number", "description"])
    sorting = SortingFilter(
        keys={
            "name": ["name"],
            "number": ["number"],
            "suppliername": ["supplier_name"],
            "supplierarticlenumber": ["supplier_article_number"],
            "externalkey": ["external_key"],
            "sort": ["sort_order"],
        },
        default="number_asc",
    )

    class Meta:
        model = Article
        fields = []

    def __init__(self, data=None, *args, **kwargs):
        # the doc spells it `businessareaid'` (with an apostrophe): both spellings filter
        if data is not None and "businessareaid'" in data and "businessareaid" not in data:
            data = data.copy()
            data["businessareaid"] = data["businessareaid'"]
        super().__init__(data, *args, **kwargs)

    def in_mission(self, queryset, name, value):
        """Missions (part 2) are not served yet: no article is connected to one."""
        return queryset.none()
