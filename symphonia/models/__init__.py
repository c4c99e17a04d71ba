"""Model families, one folder each: configurations, Keras model, training glue."""
