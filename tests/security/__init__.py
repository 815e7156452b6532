"""Security tests: each written as a hostile project would be, each a case a build must survive."""
