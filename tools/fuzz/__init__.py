"""make fuzz: hostile and random input against the running assistant (issue 14)."""
