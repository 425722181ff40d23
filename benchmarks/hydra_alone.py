"""The least a Hydra app does: compose an empty config and print its help (the floor of ``--help``)."""

import hydra
from omegaconf import DictConfig


@hydra.main(version_base="1.3", config_path=None, config_name=None)
def main(cfg: DictConfig) -> None:
    """Nothing: ``--help`` stops before this."""


if __name__ == "__main__":
    main()
