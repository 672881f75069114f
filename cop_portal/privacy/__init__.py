"""Personal data: erasure (erasure.py); the README's "Personal data" table says what happens to each model."""
