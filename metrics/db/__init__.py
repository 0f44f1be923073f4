"""Storage: the only package that runs SQL."""
