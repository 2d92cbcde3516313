"""The Cirrus 2 API, mounted at /cirrus/. Each resource group is a package (`accounts/`,
`users/`, ...) with its serializers, filters, views and routes; this module joins their routes.
Paths have no trailing slash. Anything else under the mount is Cirrus's JSON 404 (crm.urls.api())."""

from .accounts import urls as accounts
from .activities import urls as activities
from .catalogue import urls as catalogue
from .challenges import urls as challenges
from .company import urls as company
from .contacts import urls as contacts
from .dynamic import urls as dynamic
from .files import urls as files
from .leads import urls as leads
from .opportunities import urls as opportunities
from .orders import urls as orders
from .prices import urls as prices
from .quotes import urls as quotes
from .terms import urls as terms
from .users import urls as users

app_name = "cirrus"

urlpatterns = [
    # Part 1: accounts, contacts, dynamic fields and data, files and folders.
    *accounts.urlpatterns,
    *contacts.urlpatterns,
    *dynamic.urlpatterns,
    *files.urlpatterns,
    # Part 1: the sales pipeline (with part 2's lead statuses).
    *activities.urlpatterns,
    *leads.urlpatterns,
    *opportunities.urlpatterns,
    *challenges.urlpatterns,
    # Parts 1 and 2: the catalogue, prices, terms, orders and quotes.
    *catalogue.urlpatterns,
    *prices.urlpatterns,
    *terms.urlpatterns,
    *orders.urlpatterns,
    *quotes.urlpatterns,
    # Part 2: users, budgets, departments, roles and KPIs; settings, add-ons and sort groups.
    *users.urlpatterns,
    *company.urlpatterns,
]
