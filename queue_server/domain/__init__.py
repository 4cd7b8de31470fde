"""Business rules of the back office, free of Flask and SQL where possible."""
