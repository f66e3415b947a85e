"""data/cache"""
