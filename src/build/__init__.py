"""From config to objects: the triad (data, task, backbone in a TriadModule) and the trainer with its plumbing.

The only code below the entry points that reads a ``DictConfig``: what it builds receives objects, never a config.
"""
