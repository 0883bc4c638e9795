"""Yuzhong District incubation-carrier pipeline: the domain package (no Airflow needed)."""
