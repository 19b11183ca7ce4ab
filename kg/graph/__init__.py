"""Resolution of mentions into entities, the mapping to RDF, its vocabulary and IRIs."""
