"""Cluster analytics for industry bureaus: scope and filters (scope.py), the grouped
queries (queries.py), the dashboard read models (selectors.py), anchor firms' chain
coverage (coverage.py) over the chain standings worked out ahead (standings.py),
quarterly snapshots (snapshots.py), gate names (gates.py) and the small-group
suppression rule (suppression.py)."""
