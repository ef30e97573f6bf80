"""Data science: split, train in a training job, unpack model.tar.gz, evaluate."""

from kedro.pipeline import Pipeline, node, pipeline

from .nodes import evaluate_model, split_data, train_model, unpack_model


def create_pipeline(**kwargs) -> Pipeline:
    return pipeline(
        [
            node(
                split_data,
                ["model_input_table", "params:model_options"],
                ["X_train", "X_test", "y_train", "y_test"],
                name="split_data_node",
            ),
            node(
                train_model,
                ["X_train", "y_train", "params:model_options", "params:training"],
                "training_job",
                name="train_model_node",
            ),
            node(unpack_model, "training_job", "model", name="unpack_model_node"),
            node(
                evaluate_model, ["model", "X_test", "y_test"], "metrics", name="evaluate_model_node"
            ),
        ]
    )
