"""ovh-invoices: a keyboard-first terminal app for OVHcloud billing."""

__version__ = "0.1.0"
