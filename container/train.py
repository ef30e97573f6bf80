"""Entry point of the training image: SageMaker's ``train`` runs this as ``SAGEMAKER_PROGRAM``.

The toolkit passes the job's hyperparameters as ``--name value`` arguments and the
channel and model folders as ``SM_*`` environment variables.
"""

import sys

from spaceflights_training import trainer

if __name__ == "__main__":
    sys.exit(trainer.main(sys.argv[1:]))
