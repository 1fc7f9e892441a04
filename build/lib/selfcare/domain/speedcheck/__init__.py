"""The regulator's rules for speed measurements (BNetzA): pure, no I/O, no framework."""
