"""Tier classification (档位): a pure engine, configurable schemes, runs, publishing, explanations."""
