"""Learning from case reviews: practice, rapid and internal learning reviews, their actions (issue 12)."""
