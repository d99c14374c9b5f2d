"""Sound in and out: audio decoding, acoustic cues, speech recognition, speech synthesis."""
