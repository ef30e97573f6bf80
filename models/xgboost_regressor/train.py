"""The image's entry point (``SAGEMAKER_PROGRAM``): the contract running the XGBoost regressor."""

import sys

from training_contract import trainer
from xgboost_regressor.model import MODEL

if __name__ == "__main__":
    sys.exit(trainer.main(MODEL))
