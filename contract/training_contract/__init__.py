"""The SageMaker training contract, for any model: what a training image must do.

It knows no model. A model package plugs in through ``training_contract.model.Model``
(its hyperparameters with types and defaults, and a ``train`` function); the contract
covers the rest: the job folder and its paths (``environment``, ``job_folder``), the
channels (``channel`` reads a tabular parquet channel), typed hyperparameters from every
client (``hyperparameters``), the exit codes and the failure file (``trainer``,
``failure``), stops and the supervisor around the toolkit (``stopping``, ``supervisor``,
``launch``), memory kills (``memory``), regression scores (``scores``) and ``docker run``
as SageMaker runs it (``local_job``). Nothing here imports Kedro or a SageMaker SDK.
"""
