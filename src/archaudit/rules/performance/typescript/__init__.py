"""Performance rules reading TypeScript / JavaScript."""
