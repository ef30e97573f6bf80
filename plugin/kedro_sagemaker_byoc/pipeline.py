"""The training pipeline a project adds: split, train in a training job, unpack, evaluate, plot.

    from kedro_sagemaker_byoc.pipeline import create_pipeline

    def register_pipelines():  # or a pipelines/<name>/pipeline.py returning it
        return {"training": create_pipeline(input_table="model_input_table")}

Its datasets are ``X_train``/``y_train`` (the training channel: give them parquet paths
in ``training.channel`` in the catalog), ``X_test``/``y_test``, ``training_job``, ``model``,
``metrics`` and ``predictions_plot``; map them to other names with Kedro's ``pipeline()``.
"""

from kedro.pipeline import Node, Pipeline

from .nodes import evaluate_model, plot_predictions, split_data, train_model, unpack_model


def create_pipeline(input_table: str = "model_input_table", **kwargs) -> Pipeline:
    """The training pipeline, reading the table ``input_table`` names in the catalog."""
    return Pipeline(
        [
            Node(
                func=split_data,
                inputs=[input_table, "params:model_options"],
                outputs=["X_train", "X_test", "y_train", "y_test"],
                name="split_data_node",
            ),
            Node(
                func=train_model,
                inputs=["X_train", "y_train", "params:model_options", "params:training"],
                outputs="training_job",
                name="train_model_node",
            ),
            Node(
                func=unpack_model,
                inputs=["training_job", "params:training"],
                outputs="model",
                name="unpack_model_node",
            ),
            Node(
                func=evaluate_model,
                inputs=["model", "X_test", "y_test", "params:training"],
                outputs="metrics",
                name="evaluate_model_node",
            ),
            Node(
                func=plot_predictions,
                inputs=["model", "X_test", "y_test", "params:training"],
                outputs="predictions_plot",
                name="plot_predictions_node",
            ),
        ]
    )
