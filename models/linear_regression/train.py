"""The image's entry point (``SAGEMAKER_PROGRAM``): the contract running the linear model."""

import sys

from linear_regression.model import MODEL
from training_contract import trainer

if __name__ == "__main__":
    sys.exit(trainer.main(MODEL))
