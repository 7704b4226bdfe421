"""The pages of the web interface, one module per area; each exposes ``ROUTES``."""
