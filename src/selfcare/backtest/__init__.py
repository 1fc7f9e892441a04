"""Backtest: a changed program against the real history, before customers see it."""
