"""HTTP plumbing no feature owns: error answers, the page cache, static assets, converters, URLs."""
