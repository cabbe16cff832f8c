from .bulk import bulk_update, bulk_write, bulk_write_frames, is_postgresql
from .read import read_frame

__all__ = ["bulk_update", "bulk_write", "bulk_write_frames", "is_postgresql", "read_frame"]
