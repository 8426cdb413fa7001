"""The crisis plan, crises, alerts — mission 4."""
