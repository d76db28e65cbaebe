"""Packages for setuptools: everything under billing_dagster/, plus the top-level sql/ folder shipped inside the
package as billing_dagster.sql (pyproject.toml cannot add a mapped package to a `find` result)."""

from setuptools import find_packages, setup

setup(packages=[*find_packages(include=["billing_dagster*"]), "billing_dagster.sql"],
      package_dir={"billing_dagster.sql": "sql"})
