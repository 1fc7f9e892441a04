"""Doors to the outside for the speed check: database, measurement files, the FRITZ!Box."""
