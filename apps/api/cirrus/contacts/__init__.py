"""Cirrus contacts (O52-O57)."""
