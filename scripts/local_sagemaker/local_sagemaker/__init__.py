"""A local SageMaker: moto's server, whose training jobs really run in Docker.

``python -m local_sagemaker`` starts it on 127.0.0.1 and prints the endpoint; tests and
``make rehearse`` use :func:`local_sagemaker.server.start`.
"""
