"""Natural-language stages: tagging, rules, linking, relations, quantities and resolution."""
