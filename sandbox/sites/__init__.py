"""The practice websites: each a small Flask app over the shared sandbox store."""
