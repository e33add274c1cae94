"""Series, episodes and panels: models, reader views, the image pipeline and the CLI."""
