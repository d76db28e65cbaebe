"""The billing database: SQLAlchemy 2 models, Alembic migrations and the repository."""
