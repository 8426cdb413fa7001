"""Crises, the alert chain, acknowledgements, exercises and RETEX — mission 4."""
