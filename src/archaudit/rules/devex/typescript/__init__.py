"""Developer-experience rules reading TypeScript / JavaScript projects."""
