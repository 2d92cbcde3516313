"""Cirrus dynamic fields and dynamic data (O66-O69)."""
