"""Who may call the API: operator API keys with scopes, customer tokens bound to one customer.

Secrets are shown once when created and stored only as a SHA-256 hash; a leaked database
therefore leaks no usable key.
"""
