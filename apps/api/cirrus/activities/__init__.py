"""Cirrus activities, activity coordinates, activity types and questions, progression states and
follow/unfollow (O17-O29)."""
