"""Government-wide insight from the inventory: the heat map of standards met and the panels the
GC InfoBase draws from the open data (issue 14, item 5)."""
