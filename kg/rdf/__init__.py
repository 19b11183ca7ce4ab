"""RDF: vocabulary, identifiers, mapping of the corpus to triples, exports, query, validation and stores."""
