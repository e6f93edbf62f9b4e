"""Sample data: the cases behind 通城县's 2023 rule-of-law report (domain.md §7).

Every record is invented (no real person's name, ID number or phone) and is
created through the gateway's public API only, so that the annual report
reproduces the seed's figures from case records.
"""
