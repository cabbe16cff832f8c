"""Requests and complaints (诉求), pure: the working-time clock (`workdays`) and the figures and
per-retailer signals (`figures`). No Django here: plain data in, plain data out."""
