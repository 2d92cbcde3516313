"""Routes of the parties half of the Peepl admin API (operations #1-#53 and the contact search).

Literal segments (`search`, `custom_fields`, `segments`, `group`, ...) never collide with ids,
which use the `int` converter. Anything that matches no route falls to the JSON 404 in urls.py."""

from django.urls import path, register_converter

from apps.parties.models import Combination, Function, Group, Party

from . import party_views as v


class YyyymmddConverter:
    """An 8-digit date path segment; whether it is a real date is the view's question (400)."""

    regex = "[0-9]{8}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(YyyymmddConverter, "peepl_yyyymmdd")

contacts = {"kind": Party.Kind.PERSON}
organisations = {"kind": Party.Kind.ORGANISATION}


def member_routes(prefix: str, owner) -> list:
    """#44-#45, #47-#48, #52-#53: the contacts or organisations of a group, function or
    combination, today or on a `yyyymmdd` day."""
    routes = []
    for segment, members in (("contacts", v.ContactMemberList), ("organisations", v.OrganisationMemberList)):
        view = members.as_view(owner=owner)
        name = f"{prefix}-{segment}"
        routes += [
            path(f"{prefix}/<int:pk>/{segment}/", view, name=name),
            path(f"{prefix}/<int:pk>/{segment}/<peepl_yyyymmdd:day>/", view, name=f"{name}-on"),
        ]
    return routes


urlpatterns = [
    # Contacts (#1-#23 and the search)
    path("contacts/", v.ContactList.as_view(), name="contact-list"),
    path("contacts/search/", v.ContactSearch.as_view(), name="contact-search"),
    path("contacts/<int:pk>/", v.ContactDetail.as_view(), name="contact-detail"),
    path(
        "contacts/<int:party_id>/addresses/", v.AddressList.as_view(**contacts), name="contact-address-list"
    ),
    path(
        "contacts/<int:party_id>/addresses/<int:pk>/",
        v.AddressDetail.as_view(**contacts),
        name="contact-address-detail",
    ),
    path(
        "contacts/<int:party_id>/emailaddresses/",
        v.EmailAddressList.as_view(**contacts),
        name="contact-emailaddress-list",
    ),
    path(
        "contacts/<int:party_id>/emailaddresses/<int:pk>/",
        v.EmailAddressDetail.as_view(**contacts),
        name="contact-emailaddress-detail",
    ),
    path(
        "contacts/<int:party_id>/educations/",
        v.EducationList.as_view(**contacts),
        name="contact-education-list",
    ),
    path(
        "contacts/<int:party_id>/educations/<int:pk>/",
        v.EducationDetail.as_view(**contacts),
        name="contact-education-detail",
    ),
    path(
        "contacts/<int:party_id>/companypositions/",
        v.CompanyPositionList.as_view(**contacts),
        name="contact-companyposition-list",
    ),
    path(
        "contacts/<int:party_id>/companypositions/<int:pk>/",
        v.CompanyPositionDetail.as_view(**contacts),
        name="contact-companyposition-detail",
    ),
    path(
        "contacts/<int:party_id>/customfieldvalues/",
        v.CustomFieldValueList.as_view(**contacts),
        name="contact-customfieldvalue-list",
    ),
    path(
        "contacts/<int:party_id>/customfieldvalues/<int:pk>/",
        v.CustomFieldValueDetail.as_view(**contacts),
        name="contact-customfieldvalue-detail",
    ),
    path(
        "contacts/<int:party_id>/positions/",
        v.PositionList.as_view(**contacts),
        name="contact-position-list",
    ),
    path(
        "contacts/custom_field_categories/",
        v.CustomFieldCategoryList.as_view(**contacts),
        name="contact-customfieldcategory-list",
    ),
    path(
        "contacts/custom_fields/",
        v.CustomFieldList.as_view(**contacts),
        name="contact-customfield-list",
    ),
    path(
        "contacts/segments/<int:pk>/",
        v.ContactSegmentMemberList.as_view(),
        name="contact-segment-members",
    ),
    # Organisations (#24-#38): read-only themselves, their children writable
    path("organisations/", v.OrganisationList.as_view(), name="organisation-list"),
    path("organisations/<int:pk>/", v.OrganisationDetail.as_view(), name="organisation-detail"),
    path(
        "organisations/<int:party_id>/addresses/",
        v.AddressList.as_view(**organisations),
        name="organisation-address-list",
    ),
    path(
        "organisations/<int:party_id>/addresses/<int:pk>/",
        v.AddressDetail.as_view(**organisations),
        name="organisation-address-detail",
    ),
    path(
        "organisations/<int:party_id>/emailaddresses/",
        v.EmailAddressList.as_view(**organisations),
        name="organisation-emailaddress-list",
    ),
    path(
        "organisations/<int:party_id>/emailaddresses/<int:pk>/",
        v.EmailAddressDetail.as_view(**organisations),
        name="organisation-emailaddress-detail",
    ),
    path(
        "organisations/<int:party_id>/customfieldvalues/",
        v.CustomFieldValueList.as_view(**organisations),
        name="organisation-customfieldvalue-list",
    ),
    path(
        "organisations/<int:party_id>/customfieldvalues/<int:pk>/",
        v.CustomFieldValueDetail.as_view(**organisations),
        name="organisation-customfieldvalue-detail",
    ),
    path(
        "organisations/<int:party_id>/positions/",
        v.PositionList.as_view(**organisations),
        name="organisation-position-list",
    ),
    path(
        "organisations/custom_field_categories/",
        v.CustomFieldCategoryList.as_view(**organisations),
        name="organisation-customfieldcategory-list",
    ),
    path(
        "organisations/custom_fields/",
        v.CustomFieldList.as_view(**organisations),
        name="organisation-customfield-list",
    ),
    path(
        "organisations/segments/<int:pk>/",
        v.OrganisationSegmentMemberList.as_view(),
        name="organisation-segment-members",
    ),
    # Address types (#39-#42)
    path("address_types/", v.AddressTypeList.as_view(), name="addresstype-list"),
    path("address_types/<int:pk>/", v.AddressTypeDetail.as_view(), name="addresstype-detail"),
    # Groups (#43-#45), functions (#46-#48), combinations (#49-#53)
    path("groups/", v.GroupTree.as_view(), name="group-list"),
    *member_routes("groups", Group),
    path("functions/", v.FunctionList.as_view(), name="function-list"),
    *member_routes("functions", Function),
    path("combinations/", v.CombinationList.as_view(), name="combination-list"),
    path(
        "combinations/group/<int:pk>/",
        v.CombinationList.as_view(owner=Group),
        name="combination-group-list",
    ),
    path(
        "combinations/function/<int:pk>/",
        v.CombinationList.as_view(owner=Function),
        name="combination-function-list",
    ),
    *member_routes("combinations", Combination),
]
