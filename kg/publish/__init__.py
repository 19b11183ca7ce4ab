"""Writers of the export formats and of the view's file, and publishing them as one set."""
