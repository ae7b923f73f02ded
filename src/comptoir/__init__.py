"""Comptoir: bilingual service management and client casework for public-sector organizations."""
