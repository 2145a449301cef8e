"""Compiled kernels. They see integer ids and numpy arrays only."""
