"""The mediation service's audit log (domain.md §8)."""
