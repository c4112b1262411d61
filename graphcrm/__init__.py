"""GraphCRM: stakeholder networks for B2B project sales."""

__version__ = "0.1.0"
