"""Models layer: statistics only (frames in, dataclasses out); no Dutch text, no charts."""
