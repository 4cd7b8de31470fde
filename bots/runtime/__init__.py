"""What every robot runs on: browser, vault, retries, politeness, circuit breaker, checkpoints."""
