"""Cirrus's company-wide settings, add-ons and sort groups (spec part 2, §2.12, §2.13, §2.17)."""
