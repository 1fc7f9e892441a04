"""The JSON API: versioned routes under /api/v1, pydantic *Create/*Read schemas."""
