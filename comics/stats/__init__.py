"""Privacy-preserving counts: daily views and link clicks, their reports and charts."""
