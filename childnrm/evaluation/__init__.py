"""Data for evaluators: pseudonymised extracts under data-sharing agreements, HTCDS, a synthetic copy (issue 10)."""
