"""Cirrus opportunities, their lookups and follow/unfollow (O91-O103)."""
