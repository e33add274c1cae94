"""The demo webtoon, "The Lantern Road": drawn in code and loaded through the real pipeline."""
