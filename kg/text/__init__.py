"""Text as the extraction stages read it: normalised for analysis, with offset maps back to the article's own text."""
