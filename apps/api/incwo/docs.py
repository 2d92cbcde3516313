"""OpenAPI description of the incwo XML shapes. OpenAPI describes XML with the JSON schema of the
element tree: each serializer below is an element, lists are wrapped (`<contact_addresses>`
holding `<contact_address>` elements), and the examples show the real XML."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerFieldExtension
from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers as s

from .contacts import ADDRESS_TYPES, CIVILITIES, CONTACT_TYPES, ITEM_TYPES


def _codes(mapping):
    return ", ".join(str(code) for code in mapping)


class IncwoContactAddress(s.Serializer):
    address_type = s.IntegerField(
        help_text=f"Address kind: {_codes(ADDRESS_TYPES)} (personal, professional, other)."
    )
    street_address = s.CharField(
        required=False,
        allow_blank=True,
        help_text="One line: street, house number and box (1 rue de la Paix).",
    )
    street_address2 = s.CharField(required=False, allow_blank=True)
    zip_code = s.CharField(required=False, allow_blank=True, help_text="Text: leading zeros are kept.")
    city = s.CharField(required=False, allow_blank=True)
    country = s.CharField(
        required=False,
        allow_blank=True,
        help_text="Country name, shown in French (France); read in French or English, or as an ISO code.",
    )


class IncwoContactItem(s.Serializer):
    type_id = s.IntegerField(help_text=f"Channel: {_codes(ITEM_TYPES)} (phones, faxes, e-mails, messengers).")
    value = s.CharField(help_text="The number, e-mail address or messenger id.")


class WrappedList(s.ListField):
    """A list of `child` elements wrapped in an element named `xml_name` (see WrappedListScheme)."""

    xml_name = ""


class WrappedListScheme(OpenApiSerializerFieldExtension):
    """The OpenAPI schema of a WrappedList: an array of its child's component (registered, so the
    reference resolves; `...Request` for request bodies), wrapped in its XML element."""

    target_class = WrappedList
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        component = auto_schema.resolve_serializer(self.target.child, direction)
        return {
            "type": "array",
            "items": component.ref,
            "xml": {"wrapped": True, "name": self.target.xml_name},
        }


class AddressList(WrappedList):
    child = IncwoContactAddress()
    xml_name = "contact_addresses"


class ItemList(WrappedList):
    child = IncwoContactItem()
    xml_name = "contact_items"


@extend_schema_serializer(component_name="IncwoContact")
class IncwoContact(s.Serializer):
    id = s.IntegerField(read_only=True)
    civility_label_id = s.IntegerField(
        required=False, allow_null=True, help_text=f"{_codes(CIVILITIES)}: Mr, Madam, Miss."
    )
    last_name = s.CharField(required=False, help_text="At least one of last_name / first_name.")
    first_name = s.CharField(required=False)
    comment = s.CharField(required=False, allow_blank=True)
    job_title = s.CharField(required=False, allow_blank=True)
    job_department = s.CharField(required=False, allow_blank=True)
    country = s.CharField(
        required=False,
        allow_blank=True,
        help_text="Country name, shown in French; the install's DEFAULT_COUNTRY when omitted on create.",
    )
    contact_type = s.CharField(
        required=False, allow_blank=True, help_text=f"One of {', '.join(CONTACT_TYPES)}."
    )
    firm_id = s.IntegerField(required=False, allow_null=True, help_text="Id of a firm (an organisation).")
    contact_addresses = AddressList(required=False)
    contact_items = ItemList(required=False)


class IncwoContacts(s.Serializer):
    contact = IncwoContact(many=True)


class IncwoErrors(s.Serializer):
    error = s.ListField(child=s.CharField())


CONTACT_XML = """<contact>
  <civility_label_id>17</civility_label_id>
  <last_name>Martin</last_name>
  <first_name>Paul</first_name>
  <comment>met at the trade fair</comment>
  <job_title>Directeur</job_title>
  <job_department>Achats</job_department>
  <country>France</country>
  <contact_type>client</contact_type>
  <firm_id>7</firm_id>
  <contact_addresses>
    <contact_address>
      <address_type>21</address_type>
      <street_address>1 rue de la Paix</street_address>
      <street_address2>Bât. B</street_address2>
      <zip_code>75002</zip_code>
      <city>Paris</city>
      <country>France</country>
    </contact_address>
  </contact_addresses>
  <contact_items>
    <contact_item>
      <type_id>27</type_id>
      <value>paul.martin@example.fr</value>
    </contact_item>
  </contact_items>
</contact>"""
CONTACT_EXAMPLE = OpenApiExample("A contact", value=CONTACT_XML, media_type="application/xml")
LIST_EXAMPLE = OpenApiExample(
    "A page of contacts",
    value="<contacts>\n  <contact>\n    <id>42</id>\n    <last_name>Martin</last_name>\n"
    "    ...\n  </contact>\n</contacts>",
    media_type="application/xml",
)


class IncwoBasicScheme(OpenApiAuthenticationExtension):
    target_class = "apps.api.incwo.conventions.IncwoBasicAuthentication"
    name = "IncwoBasic"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "basic",
            "description": "The login and password of a user with permissions on parties.",
        }
