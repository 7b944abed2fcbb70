"""Demo data for ``manage.py seed_demo``: old Đồng Tháp with years of history, through the 2025 reform."""
