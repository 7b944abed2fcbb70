"""Demo data for ``manage.py seed_demo``: two districts of Đồng Tháp with years of history."""

from .builder import DemoAlreadyThere, Summary, demo_data_exists, seed_demo

__all__ = ["DemoAlreadyThere", "Summary", "demo_data_exists", "seed_demo"]
