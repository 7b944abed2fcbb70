"""Member pages: search and rolls (search.py), people (people.py), memberships and their history (memberships.py),
branches merged into one (merge.py)."""
