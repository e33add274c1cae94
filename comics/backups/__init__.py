"""Backups with restic: the database and the media in one encrypted snapshot, and a restore from it.

- restic.py: the restic program, run with argument lists; its repository and password come from the
  standard RESTIC_* variables, which only restic itself reads;
- databases.py: a consistent copy of the database (SQLite's online backup API, or pg_dump in its
  custom format) and putting one back;
- snapshots.py: what `flask --app app backup` and `restore` do, in which order and why;
- commands.py: those commands.
"""
