"""Delivery terms and types (part 1 §3.5, O58-O65) and payment terms (part 2 §2.2, P2-005-P2-008)."""
