"""Cirrus challenges: sales gamification between two users (O76-O82)."""
