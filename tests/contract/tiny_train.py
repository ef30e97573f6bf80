"""The tiny model's entry point (its ``SAGEMAKER_PROGRAM``), as a model's train.py is.

It imports ``tiny_model`` beside it: run as a script, or copied with it into a job's code
folder, the folder is on the path, as a model's folder is on the image's path.
"""

import sys

from tiny_model import MODEL

from training_contract import trainer

if __name__ == "__main__":
    sys.exit(trainer.main(MODEL))
