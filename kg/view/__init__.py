"""Interactive HTML network view of a kg graph."""
