"""Price lists with their article prices, and price groups (part 2 §2.3, P2-009-P2-016)."""
