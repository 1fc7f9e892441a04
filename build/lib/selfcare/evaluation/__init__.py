"""Evaluating a program over an event file customer by customer, in bounded memory."""
