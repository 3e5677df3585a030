"""The inventory: SQLite tables, migrations, the repository and the photo library on disk."""
