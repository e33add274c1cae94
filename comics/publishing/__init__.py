"""Publishing: the review workflow from draft to published or scheduled, and the audit log."""
