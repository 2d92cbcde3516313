"""The Cirrus 2 API at /cirrus/: accounts, contacts, dynamic fields and data, files and folders,
the sales pipeline (activities, leads, opportunities, challenges) (part 1) and users,
departments, KPIs, settings, add-ons, sort groups and lead statuses (part 2), over the shared data
model (a Cirrus account is an organisation party, a contact a person party, an activity the row
Peepl and CRM.COM show).

`toolkit/` holds the API-wide conventions every operation reuses and `fragments.py` the shapes
several resources embed. Each resource group is a package with the same small modules (only those
it needs): `serializers.py`, `filters.py`, `views.py`, `urls.py`; urls.py here joins their routes.
"""
