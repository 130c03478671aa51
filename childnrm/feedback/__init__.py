"""The child's feedback after their decision is explained, asked without a login (issue 12)."""
