"""Data science: split, train in a training job, unpack model.tar.gz, evaluate, plot."""

from kedro.pipeline import Node, Pipeline

from .nodes import evaluate_model, plot_predictions, split_data, train_model, unpack_model


def create_pipeline(**kwargs) -> Pipeline:
    return Pipeline(
        [
            Node(
                func=split_data,
                inputs=["model_input_table", "params:model_options"],
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
                outputs="price_predictions_plot",
                name="plot_predictions_node",
            ),
        ]
    )
