"""The client side of the bots' API: what a runner needs of the queue server, and nothing of its insides."""

from .http import QueueClient, QueueClientError

__all__ = ["QueueClient", "QueueClientError"]
