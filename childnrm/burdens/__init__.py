"""New burdens: time spent per person per case and what it costs (issue 10)."""
