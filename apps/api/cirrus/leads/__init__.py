"""Cirrus leads (O87-O90), lead activities (O83-O86) and lead statuses (part 2 P2-123-P2-126)."""
