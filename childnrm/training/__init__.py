"""Training courses, sessions, attendance and their before-and-after evaluation (issue 12)."""
