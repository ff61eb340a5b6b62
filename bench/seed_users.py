"""Fills a migrated latchkey SQLite database with N users, fast.

    python3 bench/seed_users.py DB_PATH N

Rows go in directly through sqlite3 with one argon2id hash copied from a
user already in the database (made by `latchkey user add`): hashing 100,000
passwords would take an hour and measure nothing the start-up test needs.
"""

import random
import sqlite3
import sys
import time


def main() -> None:
    path, count = sys.argv[1], int(sys.argv[2])
    if not 0 < count <= 10_000_000:
        sys.exit("N must be between 1 and 10,000,000")
    db = sqlite3.connect(path)
    row = db.execute("SELECT password_hash FROM users LIMIT 1").fetchone()
    if row is None:
        sys.exit("add one user first: its hash is copied to the others")
    password_hash = row[0]
    have = db.execute("SELECT count(*) FROM users").fetchone()[0]
    now = int(time.time())
    ids = random.sample(range(1, 2**63 - 1), count - have) if count > have else []
    rows = (
        (user_id, f"seed{have + n}@bench.example.com", password_hash, "", 0, now, now)
        for n, user_id in enumerate(ids)
    )
    with db:
        db.executemany(
            "INSERT INTO users (id, email, password_hash, scopes, disabled, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
    print(db.execute("SELECT count(*) FROM users").fetchone()[0])


if __name__ == "__main__":
    main()
