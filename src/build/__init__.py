"""From config to objects: the triad (data, backbone, task in a TriadModule), checked for fit, and the trainer.

With ``cli``, the only code that reads a ``DictConfig``: what it builds receives objects, never a config.
"""
