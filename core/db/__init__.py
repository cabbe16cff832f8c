from .bulk import bulk_write, bulk_write_frames, is_postgresql

__all__ = ["bulk_write", "bulk_write_frames", "is_postgresql"]
