"""Statistics for analysts and coordinators: NRM tables, the pilot evaluation, disclosure control (issue 10)."""
