"""Stored images and their renditions: pure Pillow steps, storage, ingest, the render queue, media serving."""
