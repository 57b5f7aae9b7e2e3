"""Building the graph: loading, inference, validation and dumps."""
