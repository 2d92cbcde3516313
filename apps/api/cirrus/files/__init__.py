"""Cirrus files and folders (O70-O75)."""
