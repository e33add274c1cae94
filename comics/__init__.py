"""The catalogue (series, episodes, panels) and the reader, with one sub-package per concept."""
