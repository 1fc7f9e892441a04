"""Server-rendered customer pages (no JavaScript needed), German and English."""
