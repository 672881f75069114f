"""The API's endpoints, one module per app they face."""
