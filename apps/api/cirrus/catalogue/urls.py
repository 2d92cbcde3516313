"""Routes of articles (O34-O47), article groups (O30-O33), article units (O48-O51) and the
article lookups (O36-O45): the lookups before `articles/<id>`."""

from django.urls import path

from . import views as v

urlpatterns = [
    path("articlegroups", v.ArticleGroupList.as_view()),
    path("articlegroups/<int:id>", v.ArticleGroupDetail.as_view()),
    path("articles", v.ArticleList.as_view()),
    path("articles/brands", v.brand_list),
    path("articles/budgetgroups", v.budget_group_list),
    path("articles/discountgroups", v.discount_group_list),
    path("articles/groups", v.group_list),
    path("articles/materials", v.material_list),
    path("articles/servicelevels", v.service_level_list),
    path("articles/units", v.unit_list),
    path("articles/volumegroups", v.volume_group_list),
    path("articles/warehouses", v.warehouse_list),
    path("articles/warehousestatuses", v.warehouse_status_list),
    path("articles/<int:id>", v.ArticleDetail.as_view()),
    path("articleunits", v.ArticleUnitList.as_view()),
    path("articleunits/<int:id>", v.ArticleUnitDetail.as_view()),
]
