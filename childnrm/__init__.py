"""Child NRM Panels: local multi-agency NRM decisions for children, linked to their safeguarding."""
