"""Console scripts: absl-flags entry points with no logic of their own."""
