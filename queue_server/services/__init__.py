"""What the queue does, independent of HTTP: used by the web pages, the API and the CLI."""
