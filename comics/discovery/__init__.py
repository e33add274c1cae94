"""Discovery: feeds, the sitemap, link previews and share cards, and search."""
