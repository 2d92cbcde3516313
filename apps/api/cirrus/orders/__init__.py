"""Orders with rows (part 1 §3.11, O104-O107), order types (part 2 §2.1) and order statuses (§2.8)."""
