"""The sentence model: the pinned files, and embeddings that carry meaning."""
import io
import zipfile

import numpy as np
import pytest

from spasm_aid.reader.encoder import PINNED, ModelFilesError, model_zip, read_model_files


def test_embeddings_are_unit_vectors_of_the_model_size(encoder):
    vectors = encoder.encode(["my legs have gone weak", "turn on the kitchen light"])
    assert vectors.shape == (2, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)


def test_no_sentences_give_an_empty_array(encoder):
    assert encoder.encode([]).shape == (0, 384)


def test_paraphrases_are_closer_than_unrelated_sentences(encoder):
    a, b, c, d = encoder.encode(
        ["I can't feel my legs", "my legs have gone numb", "what's the weather tomorrow", "the cat knocked a cup over"]
    )
    assert a @ b > a @ c + 0.3
    assert a @ b > a @ d + 0.3


def test_the_same_sentence_gives_the_same_vector(encoder):
    first, second = encoder.encode(["pins and needles in my bottom", "pins and needles in my bottom"])
    assert np.array_equal(first, second)


def test_a_file_that_is_not_the_pinned_one_is_refused(tmp_path):
    source = model_zip()
    if not source.exists():
        pytest.skip("the sentence model is not installed; run 'make test' (it installs it)")
    changed = tmp_path / "model.zip"
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(changed, "w") as copy:
        for name in PINNED:
            data = original.read(name)
            copy.writestr(name, data + b" " if name == "config.json" else data)
    with pytest.raises(ModelFilesError, match="config.json is not the pinned"):
        read_model_files(changed)


def test_a_zip_without_the_files_says_what_it_expected(tmp_path):
    empty = tmp_path / "model.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("README", "nothing here")
    with pytest.raises(ModelFilesError, match="expected a zip with model.safetensors"):
        read_model_files(empty)


def test_not_a_zip_is_refused(tmp_path):
    path = tmp_path / "model.zip"
    path.write_bytes(io.BytesIO(b"not a zip").getvalue())
    with pytest.raises(ModelFilesError):
        read_model_files(path)
