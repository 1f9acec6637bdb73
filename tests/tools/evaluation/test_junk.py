"""make eval's figures for input that is no message about the back (tools/evaluation/junk.py)."""
from tools.evaluation import junk


def test_everyday_speech_given_the_emergency_message_or_sent_to_a_doctor_is_counted_and_named():
    intents = {"play some jazz": "out_of_scope", "king of hearts": "red_flag", "lost the remote": "urgent_flag",
               "pass the salt": "nlu_fallback"}
    figures = junk.score_out_of_domain(lambda text: {"intent": {"name": intents[text]}}, list(intents))
    assert figures["out_of_domain_emergency_rate"] == 0.25 and figures["out_of_domain_routed_up"] == ["king of hearts"]
    assert figures["out_of_domain_urgent_rate"] == 0.25 and figures["out_of_domain_sent_to_a_doctor"] == ["lost the remote"]


def test_the_everyday_speech_set_has_fifty_sentences_none_of_them_trained_on():
    texts = junk.load_out_of_domain()
    assert len(texts) == 50 and len(set(texts)) == 50
    from spasm_aid.training_data import examples

    trained = {text.lower() for _, text in examples()}
    assert not [t for t in texts if t.lower() in trained], "an evaluation sentence is also a training example"
