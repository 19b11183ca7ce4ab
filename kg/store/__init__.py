"""Query, serve, load, validate and describe built graphs (pyoxigraph)."""
