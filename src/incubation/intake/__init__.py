"""Intake: finding the settled files in the inbox, and naming them safely."""
