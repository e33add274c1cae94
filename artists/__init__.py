"""People: artist profiles and their links."""
