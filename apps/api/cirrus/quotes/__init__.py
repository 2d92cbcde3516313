"""Quotes with rows, their relations and statuses (part 2 §2.15, P2-090-P2-099)."""
