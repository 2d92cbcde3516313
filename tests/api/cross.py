"""What the cross-API tests share: one client per API, all acting as the admin user."""

from apps.core.api_keys import issue_api_key
from tests.api.cirrus.support import CirrusClient
from tests.api.crmcom.conftest import client_for as back_office_client
from tests.api.crmcom_ri.conftest import CrmClient, login
from tests.api.incwo.conftest import IncwoClient, basic
from tests.api.peepl.conftest import PeeplClient


def api_clients(user) -> dict:
    """Clients of Peepl, Cirrus, CRM.COM R, incwo and Back-Office v2 (the user's password is the
    admin_user fixture's)."""
    peepl = PeeplClient()
    peepl.credentials(HTTP_AUTHORIZATION=f"Token {issue_api_key(user, 'peepl')[1]}")
    cirrus = CirrusClient()
    cirrus.credentials(HTTP_X_TOKEN=issue_api_key(user, "cirrus")[1])
    crm = CrmClient()
    crm.token = login(crm)
    incwo = IncwoClient()
    incwo.credentials(HTTP_AUTHORIZATION=basic(user.get_username(), "pw-not-used-123"))
    return {
        "peepl": peepl,
        "cirrus": cirrus,
        "crmcom": crm,
        "incwo": incwo,
        "backoffice": back_office_client(user),
    }


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response
