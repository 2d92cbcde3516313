"""Cirrus users, user budgets, departments, roles and KPIs (spec part 2, §2.6-§2.7)."""
