"""End-to-end tests: whole books built through the command line or the build API."""
