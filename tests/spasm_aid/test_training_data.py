"""The training examples, read in one place."""
import pytest

from spasm_aid.training_data import TrainingDataError, examples


def test_every_example_with_its_intent_and_annotations_reduced_to_text(tmp_path):
    data = tmp_path / "nlu.yml"
    data.write_text('version: "3.1"\nnlu:\n- intent: red_flag\n  examples: |\n    - i cant pee\n'
                    '    - my [legs]{"entity": "body"} are numb\n- synonym: legs\n  examples: |\n    - limbs\n'
                    '- intent: greet\n  examples: |\n    - hi\n')
    assert examples([data]) == [("red_flag", "i cant pee"), ("red_flag", "my legs are numb"), ("greet", "hi")]


def test_the_project_data_has_every_intent():
    intents = {intent for intent, _ in examples()}
    assert {"red_flag", "urgent_flag", "feel_better", "feel_worse", "affirm"} <= intents


@pytest.mark.parametrize("content", [": : :\n\x00", "nlu: 3\n", "something: else\n"])
def test_a_file_that_is_not_nlu_data_is_named_in_the_error(tmp_path, content):
    bad = tmp_path / "broken.yml"
    bad.write_text(content)
    with pytest.raises(TrainingDataError, match="broken.yml"):
        examples([bad])
