"""Articles, article groups and units (O30-O35, O46-O51) and the article lookups (O36-O45, with
the deprecated /articles/groups). Writes go through apps.catalogue.services with the caller as
actor; the lookups are reference data kept in the admin. Lists read a fixed number of queries."""

from apps.catalogue import services
from apps.catalogue.models import (
    Article,
    ArticleGroup,
    ArticleUnit,
    Brand,
    BudgetGroup,
    DiscountGroup,
    Material,
    ServiceLevel,
    VolumeGroup,
    Warehouse,
    WarehouseStatus,
)

from .. import fragments as f
from ..toolkit.views import ItemView, ListCreateView, LookupView, RecordDetail, RecordList
from . import serializers as s
from .filters import ArticleFilter, ArticleGroupFilter, ArticleUnitFilter


def articles():
    return Article.objects.prefetch_related("tags")


class ArticleList(ListCreateView):
    records = staticmethod(articles)
    serializer_class = s.ArticleSerializer
    error_field_map = s.ARTICLE.errors
    filterset_class = ArticleFilter
    create_body = s.ArticleIn
    summaries = {"get": "Returns a paginated list of articles (O35)", "post": "Creates a new article (O34)"}

    def create(self, data):
        return services.create_article(self.request.user, **s.ARTICLE.changes(data))


class ArticleDetail(ItemView, ArticleList):
    update_body = s.ArticleIn
    summaries = {
        "get": "Returns an article (O47)",
        "put": "Updates an article (O46): name, price, description and vat with the changes",
    }

    def update(self, article, data):
        services.update_article(self.request.user, article, **s.ARTICLE.changes(data))


class ArticleGroupList(RecordList):
    records = ArticleGroup.objects.all
    serializer_class = s.ArticleGroupSerializer
    error_field_map = s.ARTICLE_GROUP.errors
    filterset_class = ArticleGroupFilter
    create_body = s.ArticleGroupIn
    fields = s.ARTICLE_GROUP
    save = services.save_named
    summaries = {
        "get": "Returns a paginated list of articlegroups (O31)",
        "post": "Creates a new articlegroup (O30)",
    }


class ArticleGroupDetail(RecordDetail, ArticleGroupList):
    update_body = s.ArticleGroupIn
    summaries = {"get": "Returns an articlegroup (O33)", "put": "Updates an articlegroup (O32)"}


class ArticleUnitList(RecordList):
    records = ArticleUnit.objects.all
    serializer_class = s.ArticleUnitSerializer
    error_field_map = s.ARTICLE_UNIT.errors
    filterset_class = ArticleUnitFilter
    create_body = s.ArticleUnitIn
    fields = s.ARTICLE_UNIT
    save = services.save_named
    summaries = {
        "get": "Returns a paginated list of articleunits (O49)",
        "post": "Creates a new articleunit (O48)",
    }


class ArticleUnitDetail(RecordDetail, ArticleUnitList):
    update_body = s.ArticleUnitIn
    summaries = {"get": "Returns an articleunit (O51)", "put": "Updates an articleunit (O50)"}


def lookup(model, summary: str, serializer_class=f.IdNameSerializer, queryset=None):
    """A bare-array lookup of the catalogue (spec §1.4), in its sort order."""
    return LookupView.as_view(
        permission_model=model,
        serializer_class=serializer_class,
        queryset=model.objects.all() if queryset is None else queryset,
        summaries={"get": summary},
    )


brand_list = lookup(Brand, "Returns a list of brands (O36)")
budget_group_list = lookup(BudgetGroup, "Returns a list of budgetgroups (O37)")
discount_group_list = lookup(DiscountGroup, "Returns a list of discountgroups (O38)")
group_list = lookup(
    ArticleGroup,
    "DEPRECATED: returns a list of articlegroups (O39)",
    s.ArticleGroupSerializer,
    ArticleGroup.objects.order_by("sort_order", "name", "id"),
)
material_list = lookup(Material, "Returns a list of materials (O40)")
service_level_list = lookup(ServiceLevel, "Returns a list of servicelevels (O41)")
unit_list = lookup(ArticleUnit, "Returns a list of articleunits (O42)", s.ArticleUnitSerializer)
volume_group_list = lookup(VolumeGroup, "Returns a list of volumegroups (O43)")
warehouse_list = lookup(Warehouse, "Returns a list of warehouses (O44)")
warehouse_status_list = lookup(WarehouseStatus, "Returns a list of warehousestatuses (O45)")
