"""Offline editions and open formats: a folder or archive readers carry without a network.

The pure modules (jpeg, comic_info, reproducible_zips, slides, subtitles, readme) know neither Flask nor the
database; records.py reads published episodes into plain records, export.py builds an edition from
them, and cli.py and comics.studio.editions are its two doors.
"""
