"""Cirrus accounts, account coordinates and types, follow/unfollow, budgets, merges and account
groups (O1-O16)."""
