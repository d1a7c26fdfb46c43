"""Frida agents (TypeScript, one folder each) and their Python host."""
