"""MusicVAE: 2-bar melody and drum variational autoencoders (data converters, model, configs, training, generation)."""
